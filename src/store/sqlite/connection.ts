// The database every table module runs on: each SQL constant prepared once at open (`q`), the group
// commit for the hot writes, IMMEDIATE transactions for the rest, the checkpoint thread, and close.
import type Database from 'better-sqlite3'
import { Checkpointer, InlineCheckpointer } from './checkpointer.js'
import { GroupCommit } from './group-commit.js'
import type { WriteLock } from './write-lock.js'
import * as adminTokenSql from './sql/admin-token.js'
import * as configSql from './sql/config.js'
import * as deadSql from './sql/deadLetters.js'
import * as ingestSql from './sql/ingest.js'
import * as logSql from './sql/logs.js'
import * as nodesSql from './sql/nodes.js'
import * as privacySql from './sql/privacy.js'
import * as deliverySql from './sql/delivery.js'
import * as pruneSql from './sql/prune.js'
import * as revisionsSql from './sql/revisions.js'

export type Statements<K extends string> = Record<K, Database.Statement>

/** SQLite's result codes (primary, and the extended ones under them) of a store that cannot write. */
const UNAVAILABLE_CODES: ReadonlyArray<[prefix: string, words: string]> = [
  ['SQLITE_FULL', 'the disk is full'],
  ['SQLITE_IOERR', 'the disk reported an I/O error'],
  ['SQLITE_READONLY', 'the database is read-only'],
  ['SQLITE_CANTOPEN', 'the database file cannot be opened'],
  ['SQLITE_PERM', 'the database file may not be written'],
]

/** Why a SQLite error means the store cannot take writes now (disk full, read-only…), or null. */
export function sqliteUnavailable(error: unknown): string | null {
  const code = (error as { code?: unknown }).code
  if (typeof code !== 'string') return null
  for (const [prefix, words] of UNAVAILABLE_CODES) {
    if (code === prefix || code.startsWith(prefix + '_')) return `${words} (${code})`
  }
  return null
}

/** Prepares every SQL constant of a module (numbers and *_HEAD fragments are not statements). */
function prepareAll<K extends string>(db: Database.Database, sql: Record<K, unknown>): Statements<K> {
  const out = {} as Statements<K>
  for (const key of Object.keys(sql) as K[]) {
    const text = sql[key]
    if (typeof text === 'string' && !key.endsWith('_HEAD') && !key.endsWith('_COLUMNS'))
      out[key] = db.prepare(text)
  }
  return out
}

function prepareStatements(db: Database.Database) {
  const ingest = prepareAll(db, ingestSql)
  ingest.READ_LOG.raw(true)
  return {
    config: prepareAll(db, configSql),
    revisions: prepareAll(db, revisionsSql),
    ingest,
    delivery: prepareAll(db, deliverySql),
    logs: prepareAll(db, logSql),
    nodes: prepareAll(db, nodesSql),
    privacy: prepareAll(db, privacySql),
    dead: prepareAll(db, deadSql),
    prune: prepareAll(db, pruneSql),
    adminToken: prepareAll(db, adminTokenSql),
  }
}

export class SqliteConnection {
  /** Every statement of the backend, by SQL module. */
  readonly q: ReturnType<typeof prepareStatements>
  /** Ingest and delivery progress: committed together per event-loop turn. */
  readonly group: GroupCommit
  #checkpointer: Checkpointer | InlineCheckpointer | null = null

  constructor(
    readonly db: Database.Database,
    readonly lock: WriteLock | null = null,
  ) {
    this.q = prepareStatements(db)
    this.group = new GroupCommit(db, (fn) => this.#hold(fn))
  }

  /** Runs a write under the lock shared with the other thread's connection, if there is one. */
  #hold<R>(fn: () => R): R {
    return this.lock === null ? fn() : this.lock.hold(fn)
  }

  /** Moves WAL checkpoints to a worker thread, or runs them on this thread (`inline`); file databases only. */
  startCheckpointer(walRestartMb?: number, inline = false): void {
    if (this.db.memory) return
    this.#checkpointer = inline
      ? new InlineCheckpointer(this.db, undefined, walRestartMb)
      : Checkpointer.start(this.db, undefined, walRestartMb)
  }

  /** Runs `fn` in one IMMEDIATE transaction (takes the write lock up front: no upgrade deadlocks). */
  write<R>(fn: () => R): R {
    return this.#hold(() => this.db.transaction(fn).immediate())
  }

  /** Stops the checkpoint thread, commits what the group commit holds, then closes. */
  async close(): Promise<void> {
    await this.#checkpointer?.stop()
    this.group.flush()
    if (this.db.open) this.db.close()
  }
}
