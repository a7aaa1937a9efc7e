// openStore: the one entry point. Dialect details stay below this folder.
import { resolveLimits } from './limits.js'
import { parseSecretKey, SecretBox } from './secrets.js'
import { StoreError } from './errors.js'
import type { StoreOptions } from './options.js'
import type { Store } from './types.js'

export type { PostgresStoreOptions, SqliteStoreOptions, StoreOptions } from './options.js'

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
  return withPostgresLock(options, name, fn)
}

/** Runs `fn` unless another node is running it under the same name (PostgreSQL); undefined then. */
export async function unlessStoreLocked<R>(
  options: StoreOptions,
  name: string,
  fn: () => Promise<R>,
): Promise<R | undefined> {
  if (options.kind === 'sqlite') return fn()
  const { withPostgresLock } = await import('./postgres/startup-lock.js')
  return withPostgresLock(options, name, fn, true)
}

export type * from './types.js'
export { isStoreUnavailable, StoreError, type StoreErrorCode } from './errors.js'
export {
  DATABASE_FILE,
  MIN_FREE_BYTES,
  prepareDataFolder,
  STORE_FILES,
  type DataFolderReport,
} from './sqlite/data-folder.js'
export { DEFAULT_LIMITS } from './limits.js'
export { DEFAULT_PG_TIMEOUTS, type PgTimeouts } from './postgres/timeouts.js'
export { loadOrCreateSecretKeyFile, SECRET_KEY_FILE } from './secrets.js'
