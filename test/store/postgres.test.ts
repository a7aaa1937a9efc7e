// Runs the conformance suite against a real PostgreSQL: database `test` on 127.0.0.1 (override with
// STORE_TEST_PG_URL). Each test gets a fresh schema, dropped afterwards. Skips with a message when no
// server is reachable, except in CI where that is a failure.
import { expect, it } from 'vitest'
import { openStore, unlessStoreLocked } from '../../src/store/index.js'
import {
  describeWithPostgres,
  dropSchema,
  findPostgres,
  freshSchemaName,
  withClient,
} from '../helpers/postgres.js'
import { describeStoreConformance, type StoreHarness } from './conformance.js'

const SECRET = 'c'.repeat(64)
const found = await findPostgres()

function postgresHarness(baseUrl: string): StoreHarness {
  const schema = freshSchemaName('store_test')
  return {
    open: (limits) =>
      openStore({ kind: 'postgres', url: baseUrl, schema, secretKey: SECRET, limits, maxConnections: 4 }),
    rawContents: () =>
      withClient(baseUrl, async (client) => {
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
      }),
    execute: (sql) =>
      withClient(baseUrl, async (client) => {
        await client.query(`SET search_path TO "${schema}"; ${sql}`)
      }),
    destroy: () => dropSchema(baseUrl, schema),
  }
}

describeWithPostgres('postgres store', found, (url) =>
  describeStoreConformance('postgres', async () => postgresHarness(url)),
)

describeWithPostgres('postgres specifics', found, (url) => {
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

  it('unlessStoreLocked: a node finding another one at the same job skips it instead of waiting', async () => {
    const options = {
      kind: 'postgres' as const,
      url,
      schema: freshSchemaName('lock_test'),
      secretKey: SECRET,
    }
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let entered!: () => void
    const inside = new Promise<void>((resolve) => (entered = resolve))
    const first = unlessStoreLocked(options, 'prune', async () => {
      entered()
      await held
      return 'first'
    })
    await inside
    expect(await unlessStoreLocked(options, 'prune', async () => 'second')).toBeUndefined()
    release()
    expect(await first).toBe('first')
    expect(await unlessStoreLocked(options, 'prune', async () => 'third')).toBe('third')
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
