// How to open a store (openStore in index.ts): the SQLite data folder or the PostgreSQL URL, and
// what both share. Its own module so that the backends can name their options without a cycle.
import type { PgTimeouts } from './postgres/timeouts.js'
import type { StoreLimits } from './types.js'

/** SQLite's `synchronous` pragma for the store (sqlite/open.ts says what each costs). */
export type SqliteSynchronous = 'NORMAL' | 'FULL'

interface CommonOptions {
  /** 32-byte key for secrets at rest (Buffer, 64 hex chars or base64). */
  secretKey?: Buffer | string
  limits?: Partial<StoreLimits>
}

export interface SqliteStoreOptions extends CommonOptions {
  kind: 'sqlite'
  /**
   * Data folder: holds store.db (+ WAL) and, unless secretKey is given, secret.key. Created with
   * mode 0700 when missing (an existing folder keeps its mode); its files are 0600.
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
  /** Connection, statement and query timeouts (default DEFAULT_PG_TIMEOUTS, postgres/timeouts.ts). */
  timeouts?: Partial<PgTimeouts>
}

export type StoreOptions = SqliteStoreOptions | PostgresStoreOptions
