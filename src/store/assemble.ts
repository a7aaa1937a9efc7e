// Both backends put a `Store` together from one object per group of tables (config, ingest, queue,
// delivery, nodes, logs, dead letters, privacy, retention, admin token); this file says which
// operation belongs to which group.
// Every operation's failure passes through the backend's classifier, so that a full disk or a lost
// database reaches callers as one error code (`unavailable`) whatever the backend.
import { StoreError } from './errors.js'
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

const NODES = ['heartbeat', 'leaveCluster', 'listNodes', 'markForgottenSeen', 'watchAppends'] as const

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

const DEAD_LETTERS = [
  'listDeadLetters',
  'countDeadLetters',
  'groupDeadLetters',
  'getDeadLetter',
  'replayDeadLetters',
  'discardDeadLetters',
] as const

const PRIVACY = [
  'forgetSalt',
  'addForgotten',
  'removeForgotten',
  'listForgotten',
  'forgottenRevision',
  'deleteUserData',
  'recordPrivacyAction',
  'listPrivacyActions',
] as const

const RETENTION = ['prune'] as const

const ADMIN_TOKEN = ['getAdminToken', 'setAdminTokenIfAbsent', 'replaceAdminToken'] as const

/** The table modules of one backend, each with the operations of its group. */
export interface StoreParts {
  config: Pick<T.Store, (typeof CONFIG)[number] | (typeof REVISIONS)[number]>
  ingest: Pick<T.Store, (typeof INGEST)[number]>
  delivery: Pick<T.Store, (typeof DELIVERY)[number]>
  nodes: Pick<T.Store, (typeof NODES)[number]>
  logs: Pick<T.Store, (typeof LOGS)[number]>
  deadLetters: Pick<T.Store, (typeof DEAD_LETTERS)[number]>
  privacy: Pick<T.Store, (typeof PRIVACY)[number]>
  retention: Pick<T.Store, (typeof RETENTION)[number]>
  adminToken: Pick<T.Store, (typeof ADMIN_TOKEN)[number]>
}

/** What a backend adds to its table modules. */
export interface StoreBackend {
  close(): Promise<void>
  checkWritable(): Promise<T.WriteCheck>
  /**
   * Why a driver error means the store cannot take work now (disk full, read-only, connection
   * lost), or null for any other error. Errors that are already StoreErrors pass unchanged.
   */
  unavailable?(error: unknown): string | null
}

type Translate = (error: unknown) => unknown

/** The named methods of `target`, bound to it; their rejections go through `translate`. */
function methods<O extends object, K extends keyof O>(
  target: O,
  names: readonly K[],
  translate: Translate | null,
): Pick<O, K> {
  const out = {} as Pick<O, K>
  for (const name of names) {
    const method = target[name] as (...args: unknown[]) => Promise<unknown>
    const bound = method.bind(target)
    out[name] = (
      translate === null
        ? bound
        : (...args: unknown[]) =>
            bound(...args).catch((error: unknown) => {
              throw translate(error)
            })
    ) as O[K]
  }
  return out
}

export function assembleStore(
  kind: T.Store['kind'],
  limits: T.StoreLimits,
  parts: StoreParts,
  backend: StoreBackend,
): T.Store {
  const classify = backend.unavailable?.bind(backend)
  const translate: Translate | null =
    classify === undefined
      ? null
      : (error) => {
          if (error instanceof StoreError) return error
          const reason = classify(error)
          return reason === null
            ? error
            : new StoreError('unavailable', `The store cannot take writes now: ${reason}`, { cause: error })
        }
  return {
    kind,
    limits,
    ...methods(parts.config, CONFIG, translate),
    ...methods(parts.config, REVISIONS, translate),
    ...methods(parts.ingest, INGEST, translate),
    ...methods(parts.delivery, DELIVERY, translate),
    ...methods(parts.nodes, NODES, translate),
    ...methods(parts.logs, LOGS, translate),
    ...methods(parts.deadLetters, DEAD_LETTERS, translate),
    ...methods(parts.privacy, PRIVACY, translate),
    ...methods(parts.retention, RETENTION, translate),
    ...methods(parts.adminToken, ADMIN_TOKEN, translate),
    checkWritable: () => backend.checkWritable(),
    close: () => backend.close(),
  }
}
