// Runs the conformance suite against a real PostgreSQL: database `test` on 127.0.0.1 (override with
// STORE_TEST_PG_URL). Each test gets a fresh schema, dropped afterwards. Skips with a message when no
// server is reachable, except in CI where that is a failure.
import { expect, it } from 'vitest'
import { openStore, unlessStoreLocked, type Store } from '../../src/store/index.js'
import { MIGRATIONS } from '../../src/store/postgres/migrations/index.js'
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
    migrateTo: (version) =>
      withClient(baseUrl, async (client) => {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; CREATE SCHEMA "${schema}"`)
        await client.query(`SET search_path TO "${schema}"`)
        await client.query(
          'CREATE TABLE schema_version (version INTEGER NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
        )
        for (const m of MIGRATIONS.filter((m) => m.version <= version)) {
          await client.query(m.sql)
          await client.query('INSERT INTO schema_version VALUES ($1, $2, $3)', [
            m.version,
            m.name,
            Date.now(),
          ])
        }
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

  it('gives a project to one of two nodes opening two of its destinations at the same moment', async () => {
    const harness = postgresHarness(url)
    const [a, b] = await Promise.all([harness.open(), harness.open()])
    try {
      for (let round = 0; round < 20; round++) {
        const project = `p${round}`
        const opened = await Promise.all([
          a.openDelivery(`${project}-d1`, 'node-a', { leaseMs: 60_000, project }),
          b.openDelivery(`${project}-d2`, 'node-b', { leaseMs: 60_000, project }),
        ])
        expect(opened.filter((state) => state !== null)).toHaveLength(1)
      }
    } finally {
      await Promise.all([a.close(), b.close()])
      await harness.destroy()
    }
  })

  it("wakes a node listening when another node's ingest commits, not for another schema's", async () => {
    const harness = postgresHarness(url)
    const other = postgresHarness(url)
    const [listening, ingesting, elsewhere] = await Promise.all([
      harness.open(),
      harness.open(),
      other.open(),
    ])
    let wakeUps = 0
    const unwatch = await listening.watchAppends(() => wakeUps++)
    const ingest = (store: Store, messageId: string) =>
      store.ingest({
        sourceId: 's',
        receivedAt: Date.now(),
        revision: 1,
        events: [{ messageId, body: '{}', size: 2 }],
      })
    try {
      await ingest(elsewhere, 'x1')
      await ingest(ingesting, 'm1')
      const deadline = Date.now() + 5000
      while (wakeUps === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
      await new Promise((r) => setTimeout(r, 200))
      // One notification per committed transaction of this schema.
      expect(wakeUps).toBe(1)
      await unwatch()
      await ingest(ingesting, 'm2')
      await new Promise((r) => setTimeout(r, 200))
      expect(wakeUps).toBe(1)
    } finally {
      await Promise.all([listening.close(), ingesting.close(), elsewhere.close()])
      await Promise.all([harness.destroy(), other.destroy()])
    }
  })

  it('dedupes the same messageId sent to two nodes at once', async () => {
    const harness = postgresHarness(url)
    try {
      const [a, b] = await Promise.all([harness.open(), harness.open()])
      const events = Array.from({ length: 200 }, (_, i) => ({ messageId: `m${i}`, body: '{}', size: 2 }))
      const now = Date.now()
      const [ra, rb] = await Promise.all([
        a.ingest({ sourceId: 's', receivedAt: now, revision: 1, events }),
        b.ingest({ sourceId: 's', receivedAt: now, revision: 1, events: [...events].reverse() }),
      ])
      expect(ra.accepted.length + rb.accepted.length).toBe(200)
      expect(ra.duplicates.length + rb.duplicates.length).toBe(200)
      await Promise.all([a.close(), b.close()])
    } finally {
      await harness.destroy()
    }
  })

  it('never skips an event committed late: a reader following the log sees every concurrent ingest once', async () => {
    // Ids are taken when rows are inserted, but transactions commit in any order: without the
    // ingest lock, a reader can see id n before a smaller id commits and move its cursor past it.
    const harness = postgresHarness(url)
    const writers = await Promise.all([harness.open(), harness.open(), harness.open()])
    const reader = await harness.open()
    try {
      const accepted: number[] = []
      let writing = true
      const write = async (store: Store, lane: string) => {
        for (let round = 0; round < 40; round++) {
          const events = Array.from({ length: 10 + (round % 7) * 5 }, (_, i) => ({
            messageId: `${lane}-${round}-${i}`,
            body: '{}',
            size: 2,
          }))
          const result = await store.ingest({ sourceId: 's', receivedAt: Date.now(), revision: 1, events })
          accepted.push(...result.accepted.map((a) => a.eventId))
        }
      }
      const seen: number[] = []
      const follow = async () => {
        let cursor = 0
        for (;;) {
          const done = !writing // read once more after the writers finished
          const page = await reader.readLog(cursor, 200)
          for (const event of page) seen.push(event.id)
          if (page.length > 0) cursor = page[page.length - 1].id
          else if (done) return
          else await new Promise((resolve) => setImmediate(resolve))
        }
      }
      const following = follow()
      // 3 nodes x 4 concurrent requests each: 12 ingest transactions in flight at once.
      await Promise.all(writers.flatMap((store, n) => [0, 1, 2, 3].map((k) => write(store, `w${n}${k}`))))
      writing = false
      await following
      expect(accepted.length).toBeGreaterThan(1000)
      expect(seen).toHaveLength(accepted.length)
      expect(new Set(seen).size).toBe(seen.length)
      expect([...seen].sort((a, b) => a - b)).toEqual(seen)
      expect(new Set(seen)).toEqual(new Set(accepted))
    } finally {
      await Promise.all([...writers, reader].map((s) => s.close()))
      await harness.destroy()
    }
  })

  it('stamps an event with the newest revision saved before its commit (a node not yet updated)', async () => {
    const harness = postgresHarness(url)
    const store = await harness.open({ eventRetentionMs: 10 * 3_600_000 })
    try {
      const r1 = await store.saveConfigRevision('{"v":1}')
      const r2 = await store.saveConfigRevision('{"v":2}')
      // Another node, still on r1 (it reloads a moment later): its events are routed with r2, which
      // was in force when they were committed (say, a destination another node had just added).
      const head = await store.logHead()
      await store.ingest({
        sourceId: 's',
        receivedAt: Date.now(),
        revision: r1,
        events: [{ messageId: 'old-config', body: '{}', size: 2 }],
      })
      const [event] = await store.readLog(head, 10)
      expect(event.revision).toBe(r2)
      await store.prune()
      expect(await store.getConfigRevision(r1)).toBeNull()
      expect((await store.getConfigRevision(r2))?.config).toBe('{"v":2}')
    } finally {
      await store.close()
      await harness.destroy()
    }
  })

  it('saves one revision when two nodes save the same configuration at once', async () => {
    const harness = postgresHarness(url)
    const [a, b] = await Promise.all([harness.open(), harness.open()])
    try {
      await a.saveConfigRevision('{"v":0}')
      const saved = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).saveConfigRevision('{"v":1}')),
      )
      expect(new Set(saved).size).toBe(1)
    } finally {
      await Promise.all([a.close(), b.close()])
      await harness.destroy()
    }
  })
})
