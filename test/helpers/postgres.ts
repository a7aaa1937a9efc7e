// The test PostgreSQL: database `test` on 127.0.0.1 with trust auth (override with
// STORE_TEST_PG_URL). Tests skip with a message when no server is reachable, except under CI=true
// where that is a failure. Each test works in a fresh schema and drops it afterwards.
import pg from 'pg'
import { describe, expect, it } from 'vitest'

const CANDIDATES = process.env.STORE_TEST_PG_URL
  ? [process.env.STORE_TEST_PG_URL]
  : ['postgres://root@127.0.0.1:5432/test', 'postgres://postgres@127.0.0.1:5432/test']

/** The first reachable candidate URL, or null with why each failed (passwords left out). */
export async function findPostgres(): Promise<{ url: string | null; errors: string[] }> {
  const errors: string[] = []
  for (const url of CANDIDATES) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
    try {
      await client.connect()
      await client.query('SELECT 1')
      return { url, errors }
    } catch (error) {
      errors.push(`${url.replace(/\/\/[^@]*@/, '//…@')}: ${(error as Error).message}`)
    } finally {
      await client.end().catch(() => {})
    }
  }
  return { url: null, errors }
}

let counter = 0

/** A schema name no other test (or test process) uses. */
export function freshSchemaName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`
}

/** Runs `fn` with a connected client on `url`, then disconnects. */
export async function withClient<R>(url: string, fn: (client: pg.Client) => Promise<R>): Promise<R> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

export function dropSchema(url: string, schema: string): Promise<void> {
  return withClient(url, async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  })
}

/**
 * `describe(title)` with the reachable server's URL; without one it fails under CI=true and is
 * skipped (with the reason in its title) elsewhere.
 */
export function describeWithPostgres(
  title: string,
  found: { url: string | null; errors: string[] },
  body: (url: string) => void,
): void {
  const { url, errors } = found
  if (url !== null) describe(title, () => body(url))
  else if (process.env.CI === 'true') {
    describe(title, () => {
      it('needs a reachable PostgreSQL in CI', () => {
        expect.fail(`No PostgreSQL reachable:\n${errors.join('\n')}`)
      })
    })
  } else {
    describe.skip(`${title} (SKIPPED: no PostgreSQL reachable — ${errors.join('; ')})`, () => {
      it('needs PostgreSQL', () => {})
    })
  }
}
