// Opening the SQLite backend: the data folder checked (and private), the secret key, the database
// with pragmas chosen for durability and speed, then migrations.
import Database from 'better-sqlite3'
import path from 'node:path'
import { createPrivateFile } from '../../util/private-file.js'
import { StoreError } from '../errors.js'
import type { SqliteStoreOptions, SqliteSynchronous } from '../options.js'
import { loadOrCreateSecretKeyFile, parseSecretKey, SecretBox } from '../secrets.js'
import type * as T from '../types.js'
import { AUTO_CHECKPOINT_PAGES } from './checkpointer.js'
import { sqliteUnavailable } from './connection.js'
import { DATABASE_FILE, describeFsError, prepareDataFolder } from './data-folder.js'
import { MIGRATIONS } from './migrations/index.js'
import { createSqliteStore } from './SqliteStore.js'

export { DATABASE_FILE }

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
  /** Page cache of this connection in MiB (default 8). */
  cacheMb?: number
}

/**
 * Opens the store in `options.dir`. A folder or file that cannot be used ends in
 * StoreError('unusable_data_folder') naming the folder and the problem.
 */
export function openSqliteStore(options: SqliteStoreOptions, limits: T.StoreLimits): T.Store {
  prepareDataFolder(options.dir)
  try {
    const key = options.secretKey ? parseSecretKey(options.secretKey) : loadOrCreateSecretKeyFile(options.dir)
    const db = openSqliteDatabase(options)
    return createSqliteStore(db, new SecretBox(key), limits, {
      dir: options.dir,
      checkpoints: options.checkpoints,
      ...(options.walRestartMb !== undefined ? { walRestartMb: options.walRestartMb } : {}),
      writeLock: options.writeLock,
    })
  } catch (error) {
    if (error instanceof StoreError) throw error
    throw new StoreError(
      'unusable_data_folder',
      `The data folder ${options.dir} cannot be used: ${describeOpenError(error)}`,
      { cause: error },
    )
  }
}

/** Which file failed and why: a system error names its file; SQLite's are about store.db. */
function describeOpenError(error: unknown): string {
  const sqlite = sqliteUnavailable(error)
  if (sqlite !== null) return `${DATABASE_FILE}: ${sqlite}`
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && code.startsWith('SQLITE_'))
    return `${DATABASE_FILE}: ${(error as Error).message} (${code})`
  const file = (error as { path?: unknown }).path
  return `${typeof file === 'string' ? path.basename(file) + ': ' : ''}${describeFsError(error)}`
}

export function openSqliteDatabase(options: SqliteOpenOptions): Database.Database {
  const file = path.join(options.dir, DATABASE_FILE)
  // SQLite would create the file with mode 0644; its WAL and shared-memory files take the
  // database file's mode, so creating it 0600 first keeps all three private.
  createPrivateFile(file)
  const db = new Database(file)
  try {
    configure(db, options)
    migrate(db)
  } catch (error) {
    db.close()
    throw error
  }
  return db
}

function configure(db: Database.Database, options: SqliteOpenOptions): void {
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`)
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`)
  db.pragma('foreign_keys = ON')
  db.pragma('temp_store = MEMORY')
  // Freed cells are zeroed where that costs no extra I/O: otherwise the bytes of deleted rows (and
  // stale copies left when pages split) stay in the file, and a forgotten user's data with them.
  db.pragma('secure_delete = FAST')
  db.pragma(`cache_size = -${Math.max(1, Math.floor(options.cacheMb ?? 8)) * 1024}`) // KiB when negative
  // Checkpoint every ~16 MiB of WAL instead of 4 MiB: queue rows are inserted and deleted within
  // seconds, so many pages are rewritten several times before reaching the database file. (The
  // store moves checkpoints to a worker thread; this is the fallback.)
  db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`)
  db.pragma('journal_size_limit = 67108864')
}

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  )
  db.transaction(() => {
    const applied = new Set(
      (db.prepare('SELECT version FROM schema_version').all() as { version: number }[]).map((r) => r.version),
    )
    const current = Math.max(0, ...applied)
    const latest = MIGRATIONS[MIGRATIONS.length - 1].version
    if (current > latest) {
      throw new StoreError(
        'unsupported_schema',
        `Database schema version ${current} is newer than this program (${latest})`,
      )
    }
    // Every migration not applied yet, also one numbered below the newest applied (numbers are
    // reserved by branches that may be merged in either order).
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue
      db.exec(m.sql)
      db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      )
    }
  }).immediate()
}
