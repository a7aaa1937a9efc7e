// What a queue's worker and its parts share: the services they run on and the jobs they hold.
import type { Logger } from 'pino'
import type { IterableOutcome } from '../iterable/client/index.js'
import type { Job, Store } from '../store/types.js'
import type { DestinationRuntime } from './destination-runtime.js'
import type { JobPayload } from './job-payload.js'
import type { DeliveryObserver } from './observer.js'
import type { DeliveryOptions } from './options.js'

export interface WorkerContext {
  store: Store
  options: DeliveryOptions
  workerId: string
  logger: Logger
  observer: DeliveryObserver
  destination(id: string): DestinationRuntime | undefined
  /** Called when identify (barrier) jobs left the queue: jobs held behind them are ready. */
  wakeDestination?(id: string): void
}

/** A job this worker claimed, with its decoded payload. */
export interface Claimed {
  job: Job
  payload: JobPayload
  /** The item serialised once (bulk size accounting and the body share it). */
  itemJson?: string
}

/** Why jobs failed, and whether Iterable said the user does not exist (yet). */
export interface Failure {
  outcome: IterableOutcome
  notFound: boolean
}
