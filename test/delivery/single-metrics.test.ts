// Single-request mode in an email-based project (user not found → short retry), and the queue
// gauges and counters of /metrics fed by the delivery observer.
import { afterEach, describe, expect, it } from 'vitest'
import { defaultMappings } from '../../src/config/index.js'
import { createMetrics } from '../../src/server/metrics.js'
import { routingPort } from '../../src/cli/serve/routing-port.js'
import { DeliveryService } from '../../src/delivery/index.js'
import { createHarness, drained, FAST, identify, track, type Harness } from './harness.js'

let harness: Harness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

describe('single requests, user not found', () => {
  it('retries events/track for an unknown email until the user exists', async () => {
    const mappings = defaultMappings().map((m) => ({ ...m, batching: { enabled: false } }))
    harness = await createHarness({
      mappings,
      sandbox: { projects: [{ type: 'email', apiKeys: ['single-ek'] }] },
      apiKey: 'single-ek',
      delivery: { notFoundWindowMs: 10_000, retryBaseMs: 50, retryMaxDelayMs: 100 },
    })
    await harness.send([
      {
        type: 'track',
        anonymousId: 'a1',
        event: 'Early Single',
        messageId: 'single-early',
        context: { traits: { email: 'single@example.com' } },
      },
    ])
    await harness.waitFor(async () =>
      (await harness!.store.lookupEvent('single-early')).outcomes.some((o) => o.outcome === 'retrying'),
    )
    const retrying = (await harness.store.lookupEvent('single-early')).outcomes.find(
      (o) => o.outcome === 'retrying',
    )
    expect(retrying?.statusCode).toBe(400)
    await harness.send([identify('single-user', 'single@example.com')])
    await harness.waitFor(
      () => (harness!.sandbox.state.project().findByEmail('single@example.com')?.events.length ?? 0) === 1,
    )
    expect((await harness.store.listDeadLetters()).items).toHaveLength(0)
  })
})

describe('metrics', () => {
  it('reports queue depth and age, and delivery counters', async () => {
    harness = await createHarness({ start: false })
    const metrics = createMetrics(harness.store, { defaultMetrics: false })
    await harness.send([identify('m1', 'm1@example.com'), track('m1', 'Counted'), track('m1', 'Counted')])
    await new Promise((r) => setTimeout(r, 30))
    let text = await metrics.registry.metrics()
    // Nothing delivered yet: the three events wait in the log, behind the destination's cursor.
    expect(text).toMatch(/iterable_actions_queue_depth\{destination="[^"]+",endpoint="log"\} 3/)
    const age = /iterable_actions_queue_oldest_age_seconds\{[^}]*endpoint="log"\} ([\d.e-]+)/.exec(text)
    expect(Number(age?.[1])).toBeGreaterThan(0)

    // a service with the metrics observer drains the log and counts
    await harness.service.stop(100)
    const service = new DeliveryService({
      store: harness.store,
      routing: routingPort,
      baseUrlOverride: harness.sandbox.url,
      delivery: FAST,
      observer: metrics.observer,
    })
    await service.reload()
    await service.start()
    try {
      await harness.waitFor(() => drained(harness!.store))
      text = await metrics.registry.metrics()
      expect(text).toMatch(/iterable_actions_jobs_routed_total\{[^}]*\} 3/)
      expect(text).toMatch(/iterable_actions_jobs_delivered_total\{[^}]*trackBulk"\} 2/)
      expect(text).toMatch(
        /iterable_actions_iterable_request_duration_seconds_count\{endpoint="\/api\/events\/trackBulk",status="200"\} 1/,
      )
      expect(text).toMatch(/iterable_actions_queue_depth\{destination="[^"]+",endpoint="log"\} 0/)
    } finally {
      await service.stop(1000)
    }
  })

  it("counts a parked item in its endpoint's queue depth", async () => {
    harness = await createHarness({
      sandbox: { projects: [{ type: 'email', apiKeys: ['depth-ek'] }] },
      apiKey: 'depth-ek',
      delivery: { notFoundWindowMs: 60_000, retryBaseMs: 5000, retryMaxDelayMs: 5000 },
    })
    const metrics = createMetrics(harness.store, { defaultMetrics: false })
    await harness.send([
      {
        type: 'track',
        anonymousId: 'a',
        event: 'Waits',
        messageId: 'waits',
        context: { traits: { email: 'w@example.com' } },
      },
    ])
    await harness.waitFor(async () => (await harness!.store.deliveryStats())[0].lanes.length === 1)
    const text = await metrics.registry.metrics()
    expect(text).toMatch(
      /iterable_actions_queue_depth\{destination="[^"]+",endpoint="\/api\/events\/trackBulk"\} 1/,
    )
    expect(text).toMatch(/iterable_actions_queue_depth\{destination="[^"]+",endpoint="log"\} 0/)
  })
})
