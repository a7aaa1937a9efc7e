// What a worker needs of a destination at run time: its client, what belongs to its Iterable
// project (rate limits, the field types Iterable has told us) and whether it is paused. Built by the
// service on (re)load; never per job.
import type { FieldTypeMemory, IterableClient, ListIds } from '../iterable/client/index.js'
import type { PausedState } from '../store/types.js'
import type { ProjectRateLimiter } from './rate-limiter.js'

export interface DestinationRuntime {
  readonly id: string
  readonly name: string
  /** The Iterable project (hashed API key + base URL): one owner delivers all its destinations. */
  readonly project: string
  readonly client: IterableClient
  readonly limiter: ProjectRateLimiter
  readonly fieldTypes: FieldTypeMemory
  /** Ids of the project's lists by name (syncAudience events without a list id), in memory. */
  readonly lists: ListIds
  paused: PausedState | null
}
