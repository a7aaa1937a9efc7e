// The pool every table module runs on: named (server-side prepared) statements, one helper per kind
// of result, and one transaction per multi-statement operation.
import type pg from 'pg'
import type { Row } from '../rows.js'
import * as configSql from './sql/config.js'
import * as deadSql from './sql/deadLetters.js'
import * as deliverySql from './sql/delivery.js'
import * as ingestSql from './sql/ingest.js'
import * as logSql from './sql/logs.js'
import * as pruneSql from './sql/prune.js'
import * as revisionsSql from './sql/revisions.js'

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
  dead: named('dead', deadSql),
  prune: named('prune', pruneSql),
}

/** The SQLSTATE of a pg error (23505 unique violation, 23503 foreign key…). */
export function pgCode(error: unknown): string | undefined {
  return (error as { code?: string }).code
}

export class PgConnection {
  #closed = false

  constructor(readonly pool: pg.Pool) {}

  async rows(stmt: Statement, values: unknown[], on: Queryable = this.pool): Promise<Row[]> {
    return (await on.query({ name: stmt.name, text: stmt.text, values })).rows as Row[]
  }

  /** Rows as arrays of values in column order (no keyed objects to build: the cheapest read). */
  async arrays(stmt: Statement, values: unknown[], on: Queryable = this.pool): Promise<unknown[][]> {
    return (await on.query({ name: stmt.name, text: stmt.text, values, rowMode: 'array' }))
      .rows as unknown[][]
  }

  async count(stmt: Statement, values: unknown[], on: Queryable = this.pool): Promise<number> {
    return (await on.query({ name: stmt.name, text: stmt.text, values })).rowCount ?? 0
  }

  async one<R>(stmt: Statement, values: unknown[], map: (row: Row) => R): Promise<R | null> {
    const rows = await this.rows(stmt, values)
    return rows.length > 0 ? map(rows[0]) : null
  }

  async transaction<R>(fn: (client: pg.PoolClient) => Promise<R>): Promise<R> {
    const client = await this.pool.connect()
    try {
      await client.query('BEGIN')
      const result = await fn(client)
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {})
      throw error
    } finally {
      client.release()
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.pool.end()
  }
}
