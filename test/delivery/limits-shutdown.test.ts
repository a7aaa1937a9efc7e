// Rate limits shared per Iterable project, batches that grow while waiting for a token, graceful
// shutdown (finish or release in-flight work), and the retry policy's arithmetic.
import { afterEach, describe, expect, it } from 'vitest'
import { defaultMappings } from '../../src/config/index.js'
import {
  backoffDelay,
  decideRetry,
  RateLimiterRegistry,
  DEFAULT_DELIVERY_OPTIONS,
} from '../../src/delivery/index.js'
import { count, createHarness, drained, requestsTo, track, type Harness } from './harness.js'

let harness: Harness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

const emptyQueues = (h: Harness): Promise<boolean> => drained(h.store)

describe('rate limits', () => {
  it('one limiter per project (API key + base URL), shared by destinations', () => {
    const registry = new RateLimiterRegistry(true)
    const a = registry.forProject('key-1', 'https://api.iterable.com')
    expect(registry.forProject('key-1', 'https://api.iterable.com')).toBe(a)
    expect(registry.forProject('key-2', 'https://api.iterable.com')).not.toBe(a)
    expect(registry.forProject('key-1', 'https://api.eu.iterable.com')).not.toBe(a)
    expect(a.limitFor('/api/users/update')).toBe(500)
    expect(a.limitFor('/api/events/track')).toBe(2000)
    expect(a.limitFor('/api/users/bulkUpdate')).toBe(5)
    expect(a.limitFor('/api/events/trackBulk')).toBe(10)
    expect(a.limitFor('/api/commerce/trackPurchase')).toBe(Infinity)
  })

  it('two destinations with the same key share the project budget', async () => {
    const mappings = defaultMappings()
      .filter((m) => m.action === 'trackEvent')
      .map((m) => ({ ...m, batching: { enabled: true, size: 1 } }))
    harness = await createHarness({
      start: false,
      mappings,
      delivery: { rateLimits: true, rateLimitOverrides: { '/api/events/trackBulk': 4 } },
    })
    const second = await harness.store.createDestination({
      name: 'second',
      kind: 'iterable',
      settings: { dataCenterLocation: 'united_states' },
      apiKey: harness.sandbox.apiKey,
    })
    for (const m of mappings) {
      await harness.store.createMapping({
        destinationId: second.id,
        name: m.name,
        trigger: m.trigger,
        action: m.action,
        fields: m.fields,
        batching: { enabled: true, size: 1 },
      })
    }
    await harness.service.reload()
    const events = []
    for (let i = 0; i < 6; i++) events.push(track('rl', 'Limited', { i }))
    await harness.send(events)
    const started = Date.now()
    await harness.service.start()
    await harness.waitFor(() => emptyQueues(harness!), 15_000)
    const elapsed = Date.now() - started
    expect(count(requestsTo(harness.sandbox, '/api/events/trackBulk'), '200')).toBe(12)
    // 12 requests at 4/s with a bucket of 4: ≥ 2 s together (separate budgets would need 0.5 s)
    expect(elapsed).toBeGreaterThanOrEqual(1700)
  })

  it('a batch grows while it waits for the rate limit instead of sending many small ones', async () => {
    harness = await createHarness({
      delivery: { rateLimits: true, rateLimitOverrides: { '/api/events/trackBulk': 1 }, lingerMs: 2000 },
    })
    for (let burst = 0; burst < 20; burst++) {
      const events = []
      for (let i = 0; i < 10; i++) events.push(track(`grow-${i}`, 'Burst', { burst }))
      await harness.send(events)
      await new Promise((r) => setTimeout(r, 50))
    }
    await harness.waitFor(() => emptyQueues(harness!), 15_000)
    expect(harness.sandbox.stats.snapshot().endpoints['/api/events/trackBulk'].accepted).toBe(200)
    // 20 bursts, 1 request/s: a handful of requests (one per lane and second), not one per burst
    expect(count(requestsTo(harness.sandbox, '/api/events/trackBulk'))).toBeLessThanOrEqual(5)
  })
})

describe('graceful shutdown', () => {
  it('finishes in-flight requests within the timeout', async () => {
    const mappings = defaultMappings().map((m) => ({ ...m, batching: { enabled: false } }))
    harness = await createHarness({ mappings, sandbox: { faults: { latencyMs: 300 } } })
    const events = []
    for (let i = 0; i < 5; i++) events.push(track(`gs-${i}`, 'Slow', { i }, `slow-${i}`))
    await harness.send(events)
    await new Promise((r) => setTimeout(r, 100))
    await harness.service.stop(5000)
    // Every request in flight was answered and its progress written: the cursor passed all five.
    const [stats] = await harness.store.deliveryStats()
    expect(stats.behind).toBe(0)
    expect(stats.owner).toBeNull()
    let delivered = 0
    for (let i = 0; i < 5; i++)
      delivered += harness.sandbox.state.project().findByUserId(`gs-${i}`)?.events.length ?? 0
    expect(delivered).toBe(5)
  })

  it('leaves the events of requests still running at the timeout behind the cursor, for the next start', async () => {
    harness = await createHarness({ sandbox: { faults: { latencyMs: 3000 } } })
    await harness.send([track('gs2', 'Stuck', {}, 'stuck-1')])
    await new Promise((r) => setTimeout(r, 300))
    expect((await harness.store.deliveryStats())[0].owner).not.toBeNull()
    await harness.service.stop(100)
    const [after] = await harness.store.deliveryStats()
    expect(after.behind).toBe(1)
    // The lease is given up at once: the next start (or another node) takes the destination over.
    expect(after.owner).toBeNull()
    harness.sandbox.setFaults({ latencyMs: 0 })
    await harness.service.start()
    await harness.waitFor(() => emptyQueues(harness!))
    expect(
      harness.sandbox.state
        .project()
        .findByUserId('gs2')
        ?.events.map((e) => e.id),
    ).toEqual(['stuck-1'])
  })
})

describe('retry policy', () => {
  const options = DEFAULT_DELIVERY_OPTIONS
  it('first retry about 1 s, doubling, at most 5 min apart', () => {
    expect(backoffDelay(1, options, () => 0)).toBe(750)
    expect(backoffDelay(1, options, () => 0.999)).toBeLessThanOrEqual(1250)
    expect(backoffDelay(2, options, () => 0.5)).toBe(2000)
    expect(backoffDelay(3, options, () => 0.5)).toBe(4000)
    expect(backoffDelay(30, options, () => 0.999)).toBe(300_000)
  })

  it('honours Retry-After and the windows', () => {
    const now = 1_000_000
    const a = decideRetry(
      { attempts: 1, firstEnqueuedAt: now, retryAfterMs: 20_000, now },
      options,
      () => 0.5,
    )
    expect(a).toEqual({ retry: true, runAt: now + 20_000 })
    const late = decideRetry({ attempts: 5, firstEnqueuedAt: now - options.retryWindowMs, now }, options)
    expect(late.retry).toBe(false)
    const notFound = decideRetry(
      { attempts: 3, firstEnqueuedAt: now - 10 * 60_000 + 1000, notFound: true, now },
      options,
      () => 0.5,
    )
    expect(notFound).toEqual({
      retry: false,
      reason: 'user-not-found window of 10 min exhausted after 3 attempt(s)',
    })
  })
})
