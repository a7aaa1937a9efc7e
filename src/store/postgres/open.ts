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
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    options: `-c search_path=${schema}`,
    types,
  })
  // An idle client's error (e.g. the server restarting) must not crash the process.
  pool.on('error', () => {})
  const db = new PgConnection(pool)
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
    // Several nodes may start together: one migrates, the others wait and then find it done.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`iterable-actions:migrate:${schema}`])
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    )
    const { rows } = await client.query('SELECT MAX(version) AS v FROM schema_version')
    const current = Number(rows[0]?.v ?? 0)
    const latest = MIGRATIONS[MIGRATIONS.length - 1].version
    if (current > latest) {
      throw new StoreError(
        'unsupported_schema',
        `Database schema version ${current} is newer than this program (${latest})`,
      )
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue
      await client.query(m.sql)
      await client.query('INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ])
    }
  })
}
