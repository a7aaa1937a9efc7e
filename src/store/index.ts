// openStore: the one entry point. Dialect details stay below this folder.
import { resolveLimits } from './limits.js'
import { parseSecretKey, SecretBox } from './secrets.js'
import { StoreError } from './errors.js'
import type { Store, StoreLimits } from './types.js'
import type { SqliteSynchronous } from './sqlite/open.js'

interface CommonOptions {
  /** 32-byte key for secrets at rest (Buffer, 64 hex chars or base64). */
  secretKey?: Buffer | string
  limits?: Partial<StoreLimits>
}

export interface SqliteStoreOptions extends CommonOptions {
  kind: 'sqlite'
  /**
   * Data folder: holds store.db (+ WAL) and, unless secretKey is given, secret.key. Created with
   * mode 0700 (files 0600); an existing one is tightened to that.
   */
  dir: string
  synchronous?: SqliteSynchronous
  busyTimeoutMs?: number
  /** Page cache of this connection in MiB (default 8). */
  cacheMb?: number
  /**
   * WAL checkpoints: on a thread of this connection (true, the default), on this connection's own
   * thread ('inline': no extra thread, for a thread that can afford the pauses), or not at all (false:
   * another connection of the process runs them).
   */
  checkpoints?: boolean | 'inline'
  /** Past this WAL size the checkpoint thread restarts the WAL, so its file stays bounded (default 64 MiB). */
  walRestartMb?: number
  /**
   * Shared by the connections of one process on several threads (pass the same buffer to each):
   * writers wait for each other on it instead of in SQLite's sleeping busy handler.
   */
  writeLock?: SharedArrayBuffer
}

export interface PostgresStoreOptions extends CommonOptions {
  kind: 'postgres'
  url: string
  /** Schema for every table (created if missing). Default `public`. */
  schema?: string
  /** Pool size. Default 10. */
  maxConnections?: number
}

export type StoreOptions = SqliteStoreOptions | PostgresStoreOptions

export async function openStore(options: StoreOptions): Promise<Store> {
  const limits = resolveLimits(options.limits)
  if (options.kind === 'sqlite') {
    const { openSqliteStore } = await import('./sqlite/open.js')
    return openSqliteStore(options, limits)
  }
  if (!options.secretKey) {
    throw new StoreError(
      'secret_key_required',
      'A PostgreSQL store needs a secretKey (e.g. from an environment variable)',
    )
  }
  const { openPostgresStore } = await import('./postgres/open.js')
  return openPostgresStore(options, new SecretBox(parseSecretKey(options.secretKey)), limits)
}

/**
 * Runs `fn` holding a lock named `name` that every process on the same store shares (PostgreSQL: an
 * advisory lock per schema). SQLite has one process per data folder: `fn` just runs.
 */
export async function withStoreLock<R>(
  options: StoreOptions,
  name: string,
  fn: () => Promise<R>,
): Promise<R> {
  if (options.kind === 'sqlite') return fn()
  const { withPostgresLock } = await import('./postgres/startup-lock.js')
  return withPostgresLock(options.url, options.schema ?? 'public', name, fn)
}

/** Runs `fn` unless another node is running it under the same name (PostgreSQL); undefined then. */
export async function unlessStoreLocked<R>(
  options: StoreOptions,
  name: string,
  fn: () => Promise<R>,
): Promise<R | undefined> {
  if (options.kind === 'sqlite') return fn()
  const { withPostgresLock } = await import('./postgres/startup-lock.js')
  return withPostgresLock(options.url, options.schema ?? 'public', name, fn, true)
}

export type * from './types.js'
export { isStoreUnavailable, StoreError, type StoreErrorCode } from './errors.js'
export {
  MIN_FREE_BYTES,
  prepareDataFolder,
  STORE_FILES,
  type DataFolderReport,
} from './sqlite/data-folder.js'
export { DEFAULT_LIMITS } from './limits.js'
export { loadOrCreateSecretKeyFile, SECRET_KEY_FILE } from './secrets.js'
