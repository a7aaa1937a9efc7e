// Which store `serve` runs on: SQLite in a data folder (one process), or PostgreSQL when a database
// URL is given (several nodes, one database). The description printed at start never holds a password.
import path from 'node:path'
import type { Logger } from 'pino'
import {
  openStore,
  prepareDataFolder,
  STORE_FILES,
  type Store,
  type StoreOptions,
} from '../../store/index.js'
import { DEFAULT_DATA_DIR, type ServeOptions } from './options.js'

/** `--sandbox` keeps the sandbox's state beside the store (its WAL and shared memory with it). */
export const SANDBOX_FILE = 'sandbox.db'
const DATA_FILES = [...STORE_FILES, SANDBOX_FILE, `${SANDBOX_FILE}-wal`, `${SANDBOX_FILE}-shm`]

/** The store could not be opened (unreachable database, bad credentials…): exit code 1, no stack. */
export class StoreOpenError extends Error {
  constructor(message: string, options: ErrorOptions) {
    super(message, options)
    this.name = 'StoreOpenError'
  }
}

export interface ServeStore {
  store: Store
  options: StoreOptions
  /** e.g. `SQLite in /var/lib/x` or `PostgreSQL postgres://app@db:5432/events (schema public)`. */
  description: string
}

/** The URL without password or query (which may carry one). */
export function describeDatabaseUrl(text: string): string {
  const url = new URL(text)
  url.password = ''
  url.search = ''
  url.hash = ''
  return url.toString()
}

export function storeOptionsOf(options: ServeOptions): StoreOptions {
  if (options.databaseUrl !== undefined) {
    return {
      kind: 'postgres',
      url: options.databaseUrl,
      secretKey: (options.secretKey ?? '').trim(),
      ...(options.storeLimits !== undefined ? { limits: options.storeLimits } : {}),
      ...(options.databaseSchema !== undefined ? { schema: options.databaseSchema } : {}),
      ...(options.databaseTimeouts !== undefined ? { timeouts: options.databaseTimeouts } : {}),
    }
  }
  return {
    kind: 'sqlite',
    dir: path.resolve(options.dataDir ?? DEFAULT_DATA_DIR),
    ...(options.storeLimits !== undefined ? { limits: options.storeLimits } : {}),
    // The delivery thread's connection and this one wait for each other on a shared lock, and the
    // thread runs the WAL checkpoints on its connection (no checkpoint thread of its own: ~17 MB).
    ...(options.deliveryThread ? { writeLock: new SharedArrayBuffer(4), checkpoints: false } : {}),
  }
}

export async function openServeStore(options: ServeOptions, logger: Logger): Promise<ServeStore> {
  const storeOptions = storeOptionsOf(options)
  if (storeOptions.kind === 'sqlite') {
    // The data files are readable by this user only (looser ones are tightened), and so is a data
    // folder that serve creates; an existing folder keeps its mode (it may be the user's home).
    const folder = prepareDataFolder(storeOptions.dir, DATA_FILES)
    if (folder.tightened.length > 0) {
      logger.warn(
        { folder: storeOptions.dir, tightened: folder.tightened },
        'data files were readable by other users: made private (0600)',
      )
    }
    if (folder.notTightened.length > 0) {
      logger.warn(
        { folder: storeOptions.dir, notTightened: folder.notTightened },
        'data files are readable by other users and could not be made private',
      )
    }
    return {
      store: await openStore(storeOptions),
      options: storeOptions,
      description: `SQLite in ${storeOptions.dir}`,
    }
  }
  const where = `${describeDatabaseUrl(storeOptions.url)} (schema ${storeOptions.schema ?? 'public'})`
  try {
    return { store: await openStore(storeOptions), options: storeOptions, description: `PostgreSQL ${where}` }
  } catch (error) {
    throw new StoreOpenError(`cannot open the PostgreSQL store at ${where}: ${(error as Error).message}`, {
      cause: error,
    })
  }
}
