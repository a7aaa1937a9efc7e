// The SQLite backend: better-sqlite3 (synchronous, in-process), WAL, every statement prepared once
// at open (connection.ts). Multi-statement operations run in one IMMEDIATE transaction; the hot
// writes (ingest, delivery progress) share one group commit per event-loop turn (group-commit.ts),
// and WAL checkpoints run on a worker thread (checkpointer.ts). The store is put together from one
// module per group of tables (../assemble.ts says which operation lives where). Opening: open.ts.
import type Database from 'better-sqlite3'
import { assembleStore } from '../assemble.js'
import type { SecretBox } from '../secrets.js'
import type * as T from '../types.js'
import { AdminTokenTables } from './admin-token-tables.js'
import { ConfigTables } from './config-tables.js'
import { SqliteConnection, sqliteUnavailable } from './connection.js'
import { checkFolderWritable } from './data-folder.js'
import { DeadLetterTables } from './dead-letter-tables.js'
import { DeliveryTables } from './delivery-tables.js'
import { IngestTables } from './ingest-tables.js'
import { LogTables } from './log-tables.js'
import { NodeTables } from './node-tables.js'
import { PrivacyTables } from './privacy-tables.js'
import { Retention } from './retention.js'
import { WriteLock } from './write-lock.js'

export function createSqliteStore(
  db: Database.Database,
  box: SecretBox,
  limits: T.StoreLimits,
  options: {
    dir: string
    checkpoints?: boolean | 'inline'
    walRestartMb?: number
    writeLock?: SharedArrayBuffer
  },
): T.Store {
  const conn = new SqliteConnection(db, options.writeLock ? new WriteLock(options.writeLock) : null)
  const parts = {
    config: new ConfigTables(conn, box),
    ingest: new IngestTables(conn, limits),
    delivery: new DeliveryTables(conn, limits),
    nodes: new NodeTables(conn),
    logs: new LogTables(conn, limits),
    deadLetters: new DeadLetterTables(conn),
    privacy: new PrivacyTables(conn),
    retention: new Retention(conn, limits),
    adminToken: new AdminTokenTables(conn),
  }
  // One checkpoint thread per database file is enough: a second connection (the delivery thread's)
  // leaves checkpoints to the first.
  if (options.checkpoints !== false)
    conn.startCheckpointer(options.walRestartMb, options.checkpoints === 'inline')
  return assembleStore('sqlite', limits, parts, {
    // Stops the checkpoint thread, flushes the group commit, then closes the database.
    close: () => conn.close(),
    checkWritable: () => checkFolderWritable(options.dir),
    unavailable: sqliteUnavailable,
  })
}
