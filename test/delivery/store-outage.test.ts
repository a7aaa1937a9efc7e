// Delivery while the store is away (issue 14, items 1 and 6), on the real PostgreSQL store reached
// through a TCP proxy that the test cuts (the shared server is never restarted): the engine's parts
// wait on one probe instead of retrying at every poll, the outage is logged once, delivery resumes
// when the store is back without waiting for a lease, and a delivery that lost its lease to another
// node is started again by the engine's poll once that node lets it go.
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterEach, expect, it } from 'vitest'
import { routingPort } from '../../src/cli/serve/routing-port.js'
import { DeliveryService, type DeliveryOptions } from '../../src/delivery/index.js'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { sleep } from '../e2e/e2e-helpers.js'
import { describeWithPostgres, dropSchema, findPostgres, freshSchemaName } from '../helpers/postgres.js'
import { proxyDatabase, type TcpProxy } from '../helpers/tcp-proxy.js'
import { drained, FAST, seedStore, sender, track, waitFor } from './harness.js'

const found = await findPostgres()
const SECRET_KEY = 'cd'.repeat(32)
/** Short leases: the outages below last several of them. */
const LEASE_MS = 600
const OPTIONS: Partial<DeliveryOptions> = { ...FAST, leaseMs: LEASE_MS }

const OUTAGE_BEGINS =
  'the store cannot take writes (full disk, or the database is away): delivery waits and probes it'
const OUTAGE_ENDS = 'the store takes writes again: delivery resumes'
const LEASE_LOST = 'delivery lease lost: another node delivers this destination'

interface LogLine {
  level: number
  msg: string
}

/** A delivery service of its own (one node) on `store`, logging into `lines`. */
function node(store: Store, sandbox: RunningSandbox, lines: LogLine[]): DeliveryService {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line !== '') lines.push(JSON.parse(line) as LogLine)
      done()
    },
  })
  return new DeliveryService({
    store,
    routing: routingPort,
    baseUrlOverride: sandbox.url,
    logger: pino({ level: 'info' }, sink),
    delivery: OPTIONS,
  })
}

const withMessage = (lines: readonly LogLine[], msg: string): number =>
  lines.filter((l) => l.msg === msg).length

/** Custom events stored in the sandbox for the test's users. */
function storedEvents(sandbox: RunningSandbox, users: number): number {
  let stored = 0
  for (let u = 0; u < users; u++)
    stored += sandbox.state.project().findByUserId(`outage-${u}`)?.events.length ?? 0
  return stored
}

const events = (from: number, n: number): Record<string, unknown>[] =>
  Array.from({ length: n }, (_, i) =>
    track(`outage-${(from + i) % 10}`, 'Outage Test', { i: from + i }, `o-${from + i}`),
  )

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

describeWithPostgres('delivery while PostgreSQL is away', found, (url) => {
  async function setUp(): Promise<{
    proxy: TcpProxy
    proxied: string
    schema: string
    sandbox: RunningSandbox
  }> {
    const { proxy, url: proxied } = await proxyDatabase(url)
    cleanups.push(() => proxy.close())
    const schema = freshSchemaName('outage')
    cleanups.push(() => dropSchema(url, schema))
    const sandbox = await startSandbox({ port: 0, rateLimits: false })
    cleanups.push(() => sandbox.close())
    return { proxy, proxied, schema, sandbox }
  }

  async function open(at: string, schema: string): Promise<Store> {
    const store = await openStore({
      kind: 'postgres',
      url: at,
      schema,
      secretKey: SECRET_KEY,
      maxConnections: 4,
    })
    cleanups.push(() => store.close())
    return store
  }

  it('waits on one probe instead of retrying at every poll, logs the outage once, resumes without a lease expiring, loses nothing', async () => {
    const { proxy, proxied, schema, sandbox } = await setUp()
    const store = await open(proxied, schema)
    const { sourceId } = await seedStore(store, { apiKey: sandbox.apiKey })
    const lines: LogLine[] = []
    const service = node(store, sandbox, lines)
    cleanups.push(() => service.stop(1000))
    await service.reload()
    await service.start()
    const send = sender(service, sourceId)
    await send(events(0, 50))
    await waitFor(() => storedEvents(sandbox, 10) === 50)

    // Requests on their way when the server goes: their progress cannot be written.
    sandbox.setFaults({ latencyMs: 300 })
    await send(events(50, 100))
    await sleep(100)
    const before = lines.length
    proxy.cut()
    // Many leases long (renewals fail all along), and many polls (50 ms) long.
    await sleep(2500)
    const whileAway = lines.slice(before)
    const attemptsWhileAway = proxy.refused
    proxy.restore()
    const backAt = Date.now()
    sandbox.setFaults({ latencyMs: 0 })

    await waitFor(() => drained(store), 20_000)
    console.info(
      `store away 2.5 s: every event delivered and written ${Date.now() - backAt} ms after it came back`,
    )
    expect(storedEvents(sandbox, 10)).toBe(150)
    // The outage said once, not a line per failed read, flush and renewal (before: one every 50 ms).
    expect(whileAway.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([OUTAGE_BEGINS])
    await waitFor(() => withMessage(lines, OUTAGE_ENDS) === 1)
    // Connections tried while away: the probes (50 ms doubling to 1 s) and the first failure of each
    // part, not one per renewal and flush retry (before: 20 in this window).
    expect(attemptsWhileAway).toBeLessThanOrEqual(12)
    // The delivery kept its lease through the outage (four times its length): not stopped, not
    // started again, still this node's.
    expect(withMessage(lines, 'delivering')).toBe(1)
    expect(withMessage(lines, LEASE_LOST)).toBe(0)
    const [stats] = await store.deliveryStats()
    expect(stats.owner).not.toBeNull()
    expect(stats.leaseUntil).toBeGreaterThan(Date.now())
  }, 60_000)

  it('a delivery that lost its lease to another node meanwhile stops, and the poll starts it again once that node lets go', async () => {
    const { proxy, proxied, schema, sandbox } = await setUp()
    const storeA = await open(proxied, schema)
    const { sourceId } = await seedStore(storeA, { apiKey: sandbox.apiKey })
    const storeB = await open(url, schema)
    const linesA: LogLine[] = []
    const linesB: LogLine[] = []
    const a = node(storeA, sandbox, linesA)
    const b = node(storeB, sandbox, linesB)
    cleanups.push(() => a.stop(1000))
    await a.reload()
    await a.start()
    await waitFor(() => withMessage(linesA, 'delivering') === 1)
    let bRunning = true
    cleanups.push(async () => {
      if (bRunning) await b.stop(1000)
    })
    await b.reload()
    await b.start()
    await sender(a, sourceId)(events(0, 20))
    await waitFor(() => storedEvents(sandbox, 10) === 20)
    expect(withMessage(linesB, 'delivering')).toBe(0)

    // A loses the database for longer than its lease: B takes the destination over and delivers.
    proxy.cut()
    await waitFor(() => withMessage(linesB, 'delivering') === 1, 10_000)
    await sender(b, sourceId)(events(20, 20))
    await waitFor(() => storedEvents(sandbox, 10) === 40)
    proxy.restore()
    // Back, A finds its lease taken at its first renewal and stops writing.
    await waitFor(() => withMessage(linesA, LEASE_LOST) === 1, 10_000)

    // B stops (and gives the lease up): A's poll starts the delivery again, and it delivers.
    await b.stop(1000)
    bRunning = false
    await waitFor(() => withMessage(linesA, 'delivering') === 2, 10_000)
    await sender(a, sourceId)(events(40, 20))
    await waitFor(() => storedEvents(sandbox, 10) === 60)
    await waitFor(() => drained(storeA))
  }, 60_000)
})
