// Opening a SQLite database: pragmas chosen for durability and speed, then migrations.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { StoreError } from '../errors.js'
import { AUTO_CHECKPOINT_PAGES } from './checkpointer.js'
import { MIGRATIONS } from './migrations/index.js'

export const DATABASE_FILE = 'store.db'

export type SqliteSynchronous = 'NORMAL' | 'FULL'

export interface SqliteOpenOptions {
  dir: string
  /**
   * NORMAL (default): in WAL mode every commit is written to the WAL file before COMMIT returns,
   * so a killed process (kill -9, crash) loses nothing committed; only an OS crash or power loss
   * can drop the last commits before the next checkpoint. FULL also fsyncs the WAL at every
   * commit (survives power loss, costs one fsync per ingest request).
   */
  synchronous?: SqliteSynchronous
  busyTimeoutMs?: number
  /** Page cache of this connection in MiB (default 16). */
  cacheMb?: number
}

export function openSqliteDatabase(options: SqliteOpenOptions): Database.Database {
  mkdirSync(options.dir, { recursive: true })
  const db = new Database(path.join(options.dir, DATABASE_FILE))
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`)
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`)
  db.pragma('foreign_keys = ON')
  db.pragma('temp_store = MEMORY')
  db.pragma(`cache_size = -${Math.max(1, Math.floor(options.cacheMb ?? 16)) * 1024}`) // KiB when negative
  // Checkpoint every ~16 MiB of WAL instead of 4 MiB: queue rows are inserted and deleted within
  // seconds, so many pages are rewritten several times before reaching the database file. (The
  // store moves checkpoints to a worker thread; this is the fallback.)
  db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`)
  db.pragma('journal_size_limit = 67108864')
  migrate(db)
  return db
}

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  )
  db.transaction(() => {
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null }
    const current = row.v ?? 0
    const latest = MIGRATIONS[MIGRATIONS.length - 1].version
    if (current > latest) {
      throw new StoreError(
        'unsupported_schema',
        `Database schema version ${current} is newer than this program (${latest})`,
      )
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue
      db.exec(m.sql)
      db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      )
    }
  }).immediate()
}
