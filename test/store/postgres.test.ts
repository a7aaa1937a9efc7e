// Runs the conformance suite against a real PostgreSQL: database `test` on 127.0.0.1 (override with
// STORE_TEST_PG_URL). Each test gets a fresh schema, dropped afterwards. Skips with a message when no
// server is reachable, except in CI where that is a failure.
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/index.js'
import { describeStoreConformance, type StoreHarness } from './conformance.js'

const CANDIDATES = process.env.STORE_TEST_PG_URL
  ? [process.env.STORE_TEST_PG_URL]
  : ['postgres://root@127.0.0.1:5432/test', 'postgres://postgres@127.0.0.1:5432/test']
const SECRET = 'c'.repeat(64)

async function reachable(): Promise<{ url: string | null; errors: string[] }> {
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

const { url, errors } = await reachable()
let counter = 0

function postgresHarness(baseUrl: string): StoreHarness {
  const schema = `store_test_${process.pid}_${Date.now().toString(36)}_${counter++}`
  const admin = () => new pg.Client({ connectionString: baseUrl })
  return {
    open: (limits) =>
      openStore({ kind: 'postgres', url: baseUrl, schema, secretKey: SECRET, limits, maxConnections: 4 }),
    rawContents: async () => {
      const client = admin()
      await client.connect()
      try {
        const { rows } = await client.query<{ table_name: string }>(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
          [schema],
        )
        const dumps: string[] = []
        for (const { table_name } of rows) {
          const dump = await client.query(`SELECT t::text AS row FROM "${schema}"."${table_name}" AS t`)
          dumps.push(...dump.rows.map((r: { row: string }) => r.row))
        }
        return dumps.join('\n')
      } finally {
        await client.end()
      }
    },
    execute: async (sql) => {
      const client = admin()
      await client.connect()
      try {
        await client.query(`SET search_path TO "${schema}"; ${sql}`)
      } finally {
        await client.end()
      }
    },
    destroy: async () => {
      const client = admin()
      await client.connect()
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      } finally {
        await client.end()
      }
    },
  }
}

if (url) {
  describeStoreConformance('postgres', async () => postgresHarness(url))

  describe('postgres specifics', () => {
    it('lets several nodes migrate the same schema at once', async () => {
      const harness = postgresHarness(url)
      try {
        const stores = await Promise.all([harness.open(), harness.open(), harness.open()])
        await stores[0].createSource({ id: 's', name: 'S', writeKey: 'wk_0123456789' })
        expect((await stores[2].getSource('s'))?.name).toBe('S')
        await Promise.all(stores.map((s) => s.close()))
      } finally {
        await harness.destroy()
      }
    })

    it('dedupes the same messageId sent to two nodes at once', async () => {
      const harness = postgresHarness(url)
      try {
        const [a, b] = await Promise.all([harness.open(), harness.open()])
        const events = Array.from({ length: 200 }, (_, i) => ({ messageId: `m${i}`, body: '{}', size: 2 }))
        const now = Date.now()
        const [ra, rb] = await Promise.all([
          a.ingest({ sourceId: 's', receivedAt: now, events }),
          b.ingest({ sourceId: 's', receivedAt: now, events: [...events].reverse() }),
        ])
        expect(ra.accepted.length + rb.accepted.length).toBe(200)
        expect(ra.duplicates.length + rb.duplicates.length).toBe(200)
        await Promise.all([a.close(), b.close()])
      } finally {
        await harness.destroy()
      }
    })
  })
} else if (process.env.CI === 'true') {
  describe('postgres store', () => {
    it('needs a reachable PostgreSQL in CI', () => {
      expect.fail(`No PostgreSQL reachable:\n${errors.join('\n')}`)
    })
  })
} else {
  describe.skip(`postgres store (SKIPPED: no PostgreSQL reachable — ${errors.join('; ')})`, () => {
    it('conformance', () => {})
  })
}
