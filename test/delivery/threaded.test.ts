// The delivery engine on a worker thread (ThreadedEngine): the main thread appends events to the log,
// a worker thread (dist/cli/serve/delivery-thread.js, built by `npm test`) with its own connection to
// the same SQLite store follows the log and delivers to the real sandbox. What crosses the thread
// boundary is checked here: wake-ups, metrics, pauses, reloads, logs, stop, restarts.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { routingPort } from '../../src/cli/serve/routing-port.js'
import { DeliveryService, ThreadedEngine, type DeliveryObserver } from '../../src/delivery/index.js'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'
import { openStore, type Destination, type Store, type StoreOptions } from '../../src/store/index.js'
import { count, drained, FAST, identify, requestsTo, seedStore, sender, track, waitFor } from './harness.js'

const ENTRY = new URL('../../dist/cli/serve/delivery-thread.js', import.meta.url)

beforeAll(() => {
  if (!existsSync(ENTRY)) throw new Error('dist/ is missing: run `npm run build` (npm test does) first')
})

interface Setup {
  dir: string
  store: Store
  sandbox: RunningSandbox
  delivery: DeliveryService
  destination: Destination
  calls: string[]
  logs: Record<string, unknown>[]
  send(events: Record<string, unknown>[]): Promise<void>
  close(): Promise<void>
}

let current: Setup | undefined
afterEach(async () => {
  await current?.close()
  current = undefined
})

async function setup(
  options: { apiKey?: string; entry?: URL; restartDelayMs?: number } = {},
): Promise<Setup> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ia-threaded-'))
  const storeOptions: StoreOptions = { kind: 'sqlite', dir, writeLock: new SharedArrayBuffer(4) }
  const store = await openStore(storeOptions)
  const sandbox = await startSandbox({ port: 0, rateLimits: false })
  const { destination, sourceId } = await seedStore(store, { apiKey: options.apiKey ?? sandbox.apiKey })
  const calls: string[] = []
  const observer: DeliveryObserver = {
    delivered: (_d, endpoint, n) => calls.push(`delivered ${endpoint} ${n}`),
    request: (endpoint, status) => calls.push(`request ${endpoint} ${status}`),
    paused: (id) => calls.push(`paused ${id}`),
  }
  const logs: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line) logs.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  const logger = pino(
    { level: 'info', redact: { paths: ['apiKey', '*.apiKey'], censor: '[redacted]' } },
    sink,
  )
  const delivery = new DeliveryService({
    store,
    routing: routingPort,
    logger,
    observer,
    baseUrlOverride: sandbox.url,
    delivery: FAST,
    engine: (context) =>
      new ThreadedEngine(context, {
        storeOptions,
        baseUrlOverride: sandbox.url,
        entry: options.entry ?? ENTRY,
        ...(options.restartDelayMs !== undefined ? { restartDelayMs: options.restartDelayMs } : {}),
      }),
  })
  await delivery.reload()
  return {
    dir,
    store,
    sandbox,
    delivery,
    destination,
    calls,
    logs,
    send: sender(delivery, sourceId),
    async close() {
      await delivery.stop(2000)
      await store.close()
      await sandbox.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const emptyQueues = (s: Setup): Promise<boolean> => drained(s.store)

describe('delivery on a worker thread', () => {
  it('replays stored events: appended again as new receipts, delivered by the thread', async () => {
    const s = (current = await setup())
    await s.delivery.start()
    await s.send([track('replayed-1', 'Replayed', {}, 'replay-me')])
    const project = s.sandbox.state.project()
    await waitFor(() => (project.findByUserId('replayed-1')?.events.length ?? 0) === 1)
    await waitFor(() => emptyQueues(s))
    const stored = await s.store.listEvents({ limit: 10 })
    expect(await s.delivery.replayEvents(stored)).toBe(1)
    // Sent again (same id: Iterable keeps one event); the copy is found with the original.
    await waitFor(() => s.sandbox.stats.snapshot().endpoints['/api/events/trackBulk'].accepted === 2)
    await waitFor(() => emptyQueues(s))
    const lookup = await s.store.lookupEvent('replay-me')
    expect(lookup.events.map((e) => e.id)).toEqual([stored[0].id, expect.any(Number)])
    expect(lookup.attempts).toHaveLength(2)
    expect(project.findByUserId('replayed-1')?.events.map((e) => e.id)).toEqual(['replay-me'])
    expect(s.sandbox.stats.snapshot().endpoints['/api/events/trackBulk'].accepted).toBe(2)
  })

  it('delivers what the main thread routed, and its metrics come back to the main observer', async () => {
    const s = (current = await setup())
    await s.delivery.start()
    await s.send([
      identify('u1', 'u1@example.com', { plan: 'pro' }),
      track('u1', 'Signed Up', { source: 'ad' }),
      track('u1', 'Order Completed', {
        order_id: 'o-1',
        total: 10,
        products: [{ product_id: 'p1', name: 'Mug', price: 10, quantity: 1 }],
      }),
    ])
    await waitFor(() => emptyQueues(s))
    const project = s.sandbox.state.project()
    expect(project.findByEmail('u1@example.com')?.dataFields.plan).toBe('pro')
    expect(count(requestsTo(s.sandbox, '/api/commerce/trackPurchase'), '200')).toBe(1)
    // Counters cross over in batches (every 50 ms): wait for them.
    await waitFor(() => s.calls.includes('request /api/commerce/trackPurchase 200'))
    await waitFor(() => s.calls.some((c) => c.startsWith('delivered /api/users/')))
    expect(s.calls.filter((c) => c.startsWith('delivered')).length).toBeGreaterThanOrEqual(3)
    expect(s.delivery.destinations()).toEqual([
      expect.objectContaining({ id: s.destination.id, state: 'delivering' }),
    ])
  })

  it('a 401 pauses the destination on the main thread too, logged there without the key; resume delivers', async () => {
    const s = (current = await setup({ apiKey: 'wrong-key-0000000000000000000000' }))
    await s.delivery.start()
    await s.send([track('u2', 'Viewed', {})])
    await waitFor(() => s.delivery.destinations()[0]?.state === 'paused')
    expect(s.calls).toContain(`paused ${s.destination.id}`)
    expect((await s.store.getDestination(s.destination.id))?.paused).not.toBeNull()
    await waitFor(() => s.logs.some((l) => l.thread === 'delivery' && l.level === 40))
    const line = s.logs.find((l) => l.thread === 'delivery' && l.level === 40)
    expect(line?.msg).toMatch(/destination paused/)
    expect(JSON.stringify(s.logs)).not.toContain('wrong-key-0000000000000000000000')

    // A new key, then resume: the reload reaches the thread, which delivers what waited.
    await s.store.updateDestination(s.destination.id, { apiKey: s.sandbox.apiKey })
    await s.delivery.resume(s.destination.id)
    await waitFor(() => emptyQueues(s))
    expect(s.delivery.destinations()[0]?.state).toBe('delivering')
    expect(
      count(requestsTo(s.sandbox, '/api/events/trackBulk'), '200') +
        count(requestsTo(s.sandbox, '/api/events/track'), '200'),
    ).toBeGreaterThanOrEqual(1)
  })

  it('events accepted before start are delivered once the thread starts; stop ends the thread', async () => {
    const s = (current = await setup())
    await s.send([track('u3', 'Early', {}), track('u3', 'Early again', {})])
    expect(await emptyQueues(s)).toBe(false)
    await s.delivery.start()
    await waitFor(() => emptyQueues(s))
    await s.delivery.stop(2000)
    // Stopped: new events are stored, but nothing delivers them.
    await s.send([track('u3', 'After stop', {})])
    await new Promise((r) => setTimeout(r, 300))
    expect(await emptyQueues(s)).toBe(false)
  })

  it('a thread that dies is started again, logged, and the new one delivers', async () => {
    const s = (current = await setup({
      entry: new URL('./fixtures/crash-once-entry.mjs', import.meta.url),
      restartDelayMs: 50,
    }))
    await s.delivery.start()
    await waitFor(() =>
      s.logs.some((l) => l.msg === 'delivery thread stopped unexpectedly; starting it again'),
    )
    expect(s.logs.find((l) => l.code === 3)?.level).toBe(50)
    await s.send([track('u4', 'After restart', {})])
    await waitFor(() => emptyQueues(s))
    expect(
      count(requestsTo(s.sandbox, '/api/events/trackBulk'), '200') +
        count(requestsTo(s.sandbox, '/api/events/track'), '200'),
    ).toBe(1)
  })

  it('a thread that cannot start makes start() fail with the reason', async () => {
    const s = (current = await setup({ entry: new URL('./no-such-entry.js', ENTRY) }))
    await expect(s.delivery.start()).rejects.toThrow(/no-such-entry|Cannot find module/)
  })
})
