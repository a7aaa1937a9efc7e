// The PostgreSQL backend: `pg` pool, named (server-side prepared) statements, one transaction per
// multi-statement operation, FOR UPDATE SKIP LOCKED claims. Several nodes may share one database.
// The store is put together from one module per group of tables; this file only says which
// operation lives where. Opening (pool, migrations) is in open.ts.
import type { SecretBox } from '../secrets.js'
import type * as T from '../types.js'
import { ConfigTables } from './config-tables.js'
import type { PgConnection } from './connection.js'
import { DeadLetterTables } from './dead-letter-tables.js'
import { IngestTables } from './ingest-tables.js'
import { LogTables } from './log-tables.js'
import { QueueTables } from './queue-tables.js'
import { Retention } from './retention.js'

/** The named methods of `target`, bound to it. */
function methods<O extends object, K extends keyof O>(target: O, names: readonly K[]): Pick<O, K> {
  const out = {} as Pick<O, K>
  for (const name of names) {
    const method = target[name]
    out[name] = (typeof method === 'function' ? method.bind(target) : method) as O[K]
  }
  return out
}

export function createPostgresStore(db: PgConnection, box: SecretBox, limits: T.StoreLimits): T.Store {
  return {
    kind: 'postgres',
    limits,
    ...methods(new ConfigTables(db, box), [
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
    ]),
    ...methods(new IngestTables(db, limits), ['ingest']),
    ...methods(new QueueTables(db), [
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
    ]),
    ...methods(new LogTables(db, limits), [
      'recordOutcomes',
      'outcomeCounts',
      'lookupEvent',
      'listOutcomes',
      'findEventsByUser',
      'recordAttempt',
      'listAttempts',
    ]),
    ...methods(new DeadLetterTables(db), [
      'listDeadLetters',
      'getDeadLetter',
      'replayDeadLetters',
      'discardDeadLetters',
    ]),
    ...methods(new Retention(db, limits), ['prune']),
    close: () => db.close(),
  }
}
