// The PostgreSQL backend: `pg` pool, named (server-side prepared) statements, one transaction per
// multi-statement operation. Several nodes may share one database: ingest serialises the taking of
// event ids (ingest-tables.ts) and each destination is delivered by one lease holder at a time.
// The store is put together from one module per group of tables (../assemble.ts says which
// operation lives where). Opening (pool, migrations) is in open.ts.
import { assembleStore } from '../assemble.js'
import type { SecretBox } from '../secrets.js'
import type * as T from '../types.js'
import { AdminTokenTables } from './admin-token-tables.js'
import { ConfigTables } from './config-tables.js'
import type { PgConnection } from './connection.js'
import { DeadLetterTables } from './dead-letter-tables.js'
import { DeliveryTables } from './delivery-tables.js'
import { IngestTables } from './ingest-tables.js'
import { LogTables } from './log-tables.js'
import { NodeTables } from './node-tables.js'
import { PrivacyTables } from './privacy-tables.js'
import { Retention } from './retention.js'

export function createPostgresStore(
  db: PgConnection,
  box: SecretBox,
  limits: T.StoreLimits,
  schema: string,
): T.Store {
  const parts = {
    config: new ConfigTables(db, box),
    ingest: new IngestTables(db, limits),
    delivery: new DeliveryTables(db, limits),
    nodes: new NodeTables(db, schema),
    logs: new LogTables(db, limits),
    deadLetters: new DeadLetterTables(db),
    privacy: new PrivacyTables(db),
    retention: new Retention(db, limits),
    adminToken: new AdminTokenTables(db),
  }
  // The connection translates the driver's failures itself (only driver calls can lose the server).
  return assembleStore('postgres', limits, parts, {
    close: () => db.close(),
    checkWritable: () => db.checkWritable(),
  })
}
