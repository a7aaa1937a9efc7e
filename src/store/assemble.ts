// Both backends put a `Store` together from one object per group of tables (config, ingest, queue,
// delivery, logs, dead letters, retention); this file says which operation belongs to which group.
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

const REVISIONS = ['saveConfigRevision', 'getConfigRevision', 'latestConfigRevision'] as const

const INGEST = ['ingest', 'readLog', 'logHead'] as const

const DELIVERY = [
  'openDelivery',
  'renewDelivery',
  'closeDelivery',
  'commitProgress',
  'deliveryStats',
] as const

const LOGS = [
  'outcomeCounts',
  'lookupEvent',
  'listOutcomes',
  'findEventsByUser',
  'recentEvents',
  'deleteEventsOfUser',
  'eventIdRange',
  'listEvents',
  'listAttempts',
] as const

const DEAD_LETTERS = ['listDeadLetters', 'getDeadLetter', 'replayDeadLetters', 'discardDeadLetters'] as const

const RETENTION = ['prune'] as const

/** The table modules of one backend, each with the operations of its group. */
export interface StoreParts {
  config: Pick<T.Store, (typeof CONFIG)[number] | (typeof REVISIONS)[number]>
  ingest: Pick<T.Store, (typeof INGEST)[number]>
  delivery: Pick<T.Store, (typeof DELIVERY)[number]>
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
    ...methods(parts.config, REVISIONS),
    ...methods(parts.ingest, INGEST),
    ...methods(parts.delivery, DELIVERY),
    ...methods(parts.logs, LOGS),
    ...methods(parts.deadLetters, DEAD_LETTERS),
    ...methods(parts.retention, RETENTION),
    close,
  }
}
