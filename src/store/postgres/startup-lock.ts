// A lock shared by every node on one PostgreSQL schema, for one-time work at start (creating the
// default source and destination, applying a configuration file): nodes starting together take turns
// instead of each creating its own copy. A session advisory lock on its own connection: a node that
// dies while holding it loses the connection and with it the lock.
import pg from 'pg'
import type { PostgresStoreOptions } from '../options.js'
import { driver } from './connection.js'
import { lockClientSettings, resolvePgTimeouts } from './timeouts.js'

type LockTarget = Pick<PostgresStoreOptions, 'url' | 'schema' | 'timeouts'>

export async function withPostgresLock<R>(target: LockTarget, name: string, fn: () => Promise<R>): Promise<R>
/** With `skipIfHeld`: another holder means `fn` does not run at all (undefined), instead of waiting. */
export async function withPostgresLock<R>(
  target: LockTarget,
  name: string,
  fn: () => Promise<R>,
  skipIfHeld: true,
): Promise<R | undefined>
export async function withPostgresLock<R>(
  target: LockTarget,
  name: string,
  fn: () => Promise<R>,
  skipIfHeld = false,
): Promise<R | undefined> {
  const schema = target.schema ?? 'public'
  const client = new pg.Client({
    connectionString: target.url,
    ...lockClientSettings(resolvePgTimeouts(target.timeouts)),
  })
  client.on('error', () => {})
  await driver(client.connect())
  const key = `iterable-actions:${name}:${schema}`
  try {
    if (skipIfHeld) {
      const { rows } = await driver(
        client.query<{ got: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS got', [key]),
      )
      if (rows[0]?.got !== true) return undefined
    } else {
      await driver(client.query('SELECT pg_advisory_lock(hashtext($1))', [key]))
    }
    try {
      return await fn()
    } finally {
      // A connection lost meanwhile took the lock with it: nothing left to unlock, and its error
      // must not replace fn's outcome.
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => {})
    }
  } finally {
    await client.end().catch(() => {})
  }
}
