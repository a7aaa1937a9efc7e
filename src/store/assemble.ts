// Both backends put a `Store` together from one object per group of tables (config, ingest, queue,
// logs, dead letters, retention); this file says which operation belongs to which group.
import type * as T from './types.js'

const CONFIG = [
  'createSource',
  'getSource',
  'listSources',
  'findSourceByWriteKey',
  'getSourceWriteKey',
  'revokeSource',
  'deleteSource',
  'createDestination',
  'getDestination',
  'listDestinations',
  'updateDestination',
  'setDestinationPaused',
  'getDestinationApiKey',
  'deleteDestination',
  'createMapping',
  'getMapping',
  'listMappings',
  'countMappings',
  'updateMapping',
  'deleteMapping',
] as const

const INGEST = ['ingest'] as const

const QUEUE = [
  'enqueue',
  'claim',
  'complete',
  'reschedule',
  'release',
  'deadLetter',
  'reclaimExpired',
  'listQueues',
  'queueStats',
  'nextRunAt',
  'expedite',
  'getJob',
  'jobsOfEvents',
] as const

const LOGS = [
  'recordOutcomes',
  'outcomeCounts',
  'lookupEvent',
  'listOutcomes',
  'findEventsByUser',
  'eventIdRange',
  'listEvents',
  'recordAttempt',
  'listAttempts',
] as const

const DEAD_LETTERS = ['listDeadLetters', 'getDeadLetter', 'replayDeadLetters', 'discardDeadLetters'] as const

const RETENTION = ['prune'] as const

/** The table modules of one backend, each with the operations of its group. */
export interface StoreParts {
  config: Pick<T.Store, (typeof CONFIG)[number]>
  ingest: Pick<T.Store, (typeof INGEST)[number]>
  queue: Pick<T.Store, (typeof QUEUE)[number]>
  logs: Pick<T.Store, (typeof LOGS)[number]>
  deadLetters: Pick<T.Store, (typeof DEAD_LETTERS)[number]>
  retention: Pick<T.Store, (typeof RETENTION)[number]>
}

/** The named methods of `target`, bound to it. */
function methods<O extends object, K extends keyof O>(target: O, names: readonly K[]): Pick<O, K> {
  const out = {} as Pick<O, K>
  for (const name of names) {
    const method = target[name]
    out[name] = (typeof method === 'function' ? method.bind(target) : method) as O[K]
  }
  return out
}

export function assembleStore(
  kind: T.Store['kind'],
  limits: T.StoreLimits,
  parts: StoreParts,
  close: () => Promise<void>,
): T.Store {
  return {
    kind,
    limits,
    ...methods(parts.config, CONFIG),
    ...methods(parts.ingest, INGEST),
    ...methods(parts.queue, QUEUE),
    ...methods(parts.logs, LOGS),
    ...methods(parts.deadLetters, DEAD_LETTERS),
    ...methods(parts.retention, RETENTION),
    close,
  }
}
