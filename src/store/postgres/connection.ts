// The pool every table module runs on: named (server-side prepared) statements, one helper per kind
// of result, and one transaction per multi-statement operation. A server that goes away (restart,
// network) must never crash the process: every client carries an error listener while it is checked
// out, and the driver's failures reach callers as StoreError('unavailable').
import pg from 'pg'
import { isStoreUnavailable, StoreError } from '../errors.js'
import type { Row } from '../rows.js'
import type { WriteCheck } from '../types.js'
import * as adminTokenSql from './sql/admin-token.js'
import * as configSql from './sql/config.js'
import * as deadSql from './sql/deadLetters.js'
import * as deliverySql from './sql/delivery.js'
import * as ingestSql from './sql/ingest.js'
import * as logSql from './sql/logs.js'
import * as nodesSql from './sql/nodes.js'
import * as privacySql from './sql/privacy.js'
import * as pruneSql from './sql/prune.js'
import * as revisionsSql from './sql/revisions.js'
import { withQueryTimeout, type PgTimeouts } from './timeouts.js'

export type Queryable = pg.Pool | pg.PoolClient
export type Statement = { name: string; text: string }

/** Names every constant of a SQL module so pg prepares it once per connection. */
function named<K extends string>(prefix: string, sql: Record<K, string>): Record<K, Statement> {
  const out = {} as Record<K, Statement>
  for (const key of Object.keys(sql) as K[])
    out[key] = { name: `${prefix}_${key}`.toLowerCase(), text: sql[key] }
  return out
}

/** Every statement of the backend, by SQL module. */
export const Q = {
  config: named('config', configSql),
  revisions: named('revisions', revisionsSql),
  ingest: named('ingest', ingestSql),
  delivery: named('delivery', deliverySql),
  logs: named('logs', logSql),
  nodes: named('nodes', nodesSql),
  privacy: named('privacy', privacySql),
  dead: named('dead', deadSql),
  prune: named('prune', pruneSql),
  adminToken: named('admin_token', adminTokenSql),
}

/** The SQLSTATE of a pg error (23505 unique violation, 23503 foreign key…). */
export function pgCode(error: unknown): string | undefined {
  return (error as { code?: string }).code
}

/**
 * SQLSTATE classes of a server that cannot take work now: 08 connection exception, 53 insufficient
 * resources (disk full, out of memory, too many connections), 57P operator intervention (shutdown,
 * restart, starting up), 58 system error; and 25006, a read-only server (a standby after failover).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P|58)|^25006$/

/**
 * Why a failure of the driver means the server cannot take work now, or null. The server's own
 * errors carry a SQLSTATE and are classified by it; any other failure of a driver call (refused or
 * reset connection, "Connection terminated", a client broken by an earlier error) is the connection.
 */
export function pgUnavailable(error: unknown): string | null {
  if (error instanceof StoreError) return null
  if (error instanceof pg.DatabaseError) {
    const code = error.code ?? ''
    return UNAVAILABLE_SQLSTATE.test(code) ? `PostgreSQL answered ${code} (${error.message})` : null
  }
  const code = (error as { code?: unknown }).code
  const detail = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)
  return `the connection to PostgreSQL failed (${detail})`
}

/** A driver call's failure as callers see it: StoreError('unavailable') when the server is away. */
function driverFailure(error: unknown): unknown {
  const reason = pgUnavailable(error)
  return reason === null
    ? error
    : new StoreError('unavailable', `The store cannot take writes now: ${reason}`, { cause: error })
}

/** Runs one driver call (a query, a connect), translating its failure. */
export async function driver<R>(call: Promise<R>): Promise<R> {
  try {
    return await call
  } catch (error) {
    throw driverFailure(error)
  }
}

export class PgConnection {
  #closed = false

  constructor(
    readonly pool: pg.Pool,
    readonly timeouts: PgTimeouts,
  ) {}

  async rows(stmt: Statement, values: unknown[], on: Queryable = this.pool): Promise<Row[]> {
    return (await driver(on.query({ name: stmt.name, text: stmt.text, values }))).rows as Row[]
  }

  /** Rows as arrays of values in column order (no keyed objects to build: the cheapest read). */
  async arrays(stmt: Statement, values: unknown[], on: Queryable = this.pool): Promise<unknown[][]> {
    return (await driver(on.query({ name: stmt.name, text: stmt.text, values, rowMode: 'array' })))
      .rows as unknown[][]
  }

  async count(stmt: Statement, values: unknown[], on: Queryable = this.pool): Promise<number> {
    return (await driver(on.query({ name: stmt.name, text: stmt.text, values }))).rowCount ?? 0
  }

  async one<R>(stmt: Statement, values: unknown[], map: (row: Row) => R): Promise<R | null> {
    const rows = await this.rows(stmt, values)
    return rows.length > 0 ? map(rows[0]) : null
  }

  /**
   * Runs `fn` in one transaction on a client of its own. While the client is checked out the pool
   * does not listen to it: an error it emits (the server terminating the connection) would be
   * unhandled and end the process, so it gets a listener here. A broken client leaves the pool, and
   * so does one whose server is away or silent (a query timed out): a ROLLBACK through it would only
   * wait for another timeout, and the server rolls back when the connection closes.
   */
  async transaction<R>(fn: (client: pg.PoolClient) => Promise<R>): Promise<R> {
    const client = await driver(this.pool.connect())
    let broken: Error | undefined
    const onError = (error: Error): void => {
      broken ??= error
    }
    client.on('error', onError)
    try {
      await driver(client.query('BEGIN'))
      const result = await fn(client)
      await driver(client.query('COMMIT'))
      return result
    } catch (error) {
      // The server's own refusals (disk full, shutting down) are classified by SQLSTATE; errors of
      // `fn` itself (not_owner, a bug) pass unchanged.
      const failure = error instanceof pg.DatabaseError ? driverFailure(error) : error
      if (broken === undefined && isStoreUnavailable(failure)) broken = failure as Error
      if (broken === undefined) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken ??= rollbackError
        })
      }
      if (broken !== undefined) throw driverFailure(broken)
      throw failure
    } finally {
      client.removeListener('error', onError)
      client.release(broken)
    }
  }

  /** A write that needs no table: assigning a transaction id fails on a server that cannot write. */
  async checkWritable(): Promise<WriteCheck> {
    try {
      await this.pool.query(withQueryTimeout({ text: 'SELECT txid_current()' }, this.timeouts.probeMs))
      return { ok: true }
    } catch (error) {
      return { ok: false, reason: pgUnavailable(error) ?? (error as Error).message }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.pool.end()
  }
}
