// Opening the PostgreSQL backend: the pool (search_path = the schema, BIGINT as numbers) and the
// migrations, run under an advisory lock so that several nodes may start at once.
import pg from 'pg'
import { StoreError } from '../errors.js'
import type { PostgresStoreOptions } from '../options.js'
import type { SecretBox } from '../secrets.js'
import type * as T from '../types.js'
import { PgConnection } from './connection.js'
import { MIGRATIONS } from './migrations/index.js'
import { createPostgresStore } from './PostgresStore.js'
import { MIGRATION_TIMEOUT_MS, poolSettings, resolvePgTimeouts, withQueryTimeout } from './timeouts.js'

const INT8_OID = 20
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/** BIGINT columns (epoch ms, ids, counts) come back as numbers: all fit in 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

export async function openPostgresStore(
  options: PostgresStoreOptions,
  box: SecretBox,
  limits: T.StoreLimits,
): Promise<T.Store> {
  const schema = options.schema ?? 'public'
  if (!SCHEMA_NAME.test(schema)) throw new StoreError('invalid_input', `Invalid schema name: ${schema}`)
  const timeouts = resolvePgTimeouts(options.timeouts)
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    options: `-c search_path=${schema}`,
    types,
    ...poolSettings(timeouts),
  })
  // An idle client's error (e.g. the server restarting) must not crash the process.
  pool.on('error', () => {})
  const db = new PgConnection(pool, timeouts)
  try {
    await migrate(db, schema)
  } catch (error) {
    await db.close()
    throw error
  }
  return createPostgresStore(db, box, limits, schema)
}

async function migrate(db: PgConnection, schema: string): Promise<void> {
  await db.transaction(async (client) => {
    // Waiting for another node's migration and rewriting tables may take long: no statement timeout,
    // and a query timeout of its own.
    const query = (text: string, values?: unknown[]) =>
      client.query(withQueryTimeout({ text, values }, MIGRATION_TIMEOUT_MS))
    await query('SET LOCAL statement_timeout = 0')
    // Several nodes may start together: one migrates, the others wait and then find it done.
    await query('SELECT pg_advisory_xact_lock(hashtext($1))', [`iterable-actions:migrate:${schema}`])
    await query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
    await query(
      'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    )
    const { rows } = await query('SELECT version FROM schema_version')
    const applied = new Set(rows.map((r) => Number((r as { version: number }).version)))
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
      await query(m.sql)
      await query('INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ])
    }
  })
}
