// Which store `serve` runs on: SQLite in a data folder (one process), or PostgreSQL when a database
// URL is given (several nodes, one database). The description printed at start never holds a password.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { openStore, type Store, type StoreOptions } from '../../store/index.js'
import { DEFAULT_DATA_DIR, type ServeOptions } from './options.js'

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
    }
  }
  return {
    kind: 'sqlite',
    dir: path.resolve(options.dataDir ?? DEFAULT_DATA_DIR),
    ...(options.storeLimits !== undefined ? { limits: options.storeLimits } : {}),
    // The delivery thread's connection and this one wait for each other on a shared lock.
    ...(options.deliveryThread ? { writeLock: new SharedArrayBuffer(4) } : {}),
  }
}

export async function openServeStore(options: ServeOptions): Promise<ServeStore> {
  const storeOptions = storeOptionsOf(options)
  if (storeOptions.kind === 'sqlite') {
    mkdirSync(storeOptions.dir, { recursive: true })
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
