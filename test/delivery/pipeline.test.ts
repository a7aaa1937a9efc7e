import { afterEach, describe, expect, it } from 'vitest'
import { defaultMappings } from '../../src/config/index.js'
import { createHarness, count, drained, identify, requestsTo, track, type Harness } from './harness.js'

let harness: Harness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

const emptyQueues = (h: Harness): Promise<boolean> => drained(h.store)

describe('delivery pipeline', () => {
  it('delivers identify and track events through the bulk endpoints, one trackBulk for many events', async () => {
    harness = await createHarness()
    const { sandbox } = harness
    const events = [identify('u1', 'u1@example.com', { plan: 'pro' })]
    for (let i = 0; i < 20; i++) events.push(track('u1', 'Clicked', { n: i }))
    await harness.send(events)
    const project = sandbox.state.project()
    await harness.waitFor(() => (project.findByUserId('u1')?.events.length ?? 0) === 20)
    const user = project.findByUserId('u1')
    expect(user?.email).toBe('u1@example.com')
    expect(user?.dataFields.plan).toBe('pro')
    expect(count(requestsTo(sandbox, '/api/events/trackBulk'), '200')).toBe(1)
    expect(count(requestsTo(sandbox, '/api/users/bulkUpdate'), '200')).toBe(1)
    // custom events keep id = messageId: a re-send would update, not duplicate
    const ids = new Set(user?.events.map((e) => e.id))
    expect(ids.has(events[1].messageId as string)).toBe(true)
    await harness.waitFor(() => emptyQueues(harness!))
    // Delivered on the first try: no outcome row, a counter, and the request that carried it.
    const lookup = await harness.store.lookupEvent(events[1].messageId as string)
    expect(lookup.outcomes).toEqual([])
    expect(lookup.attempts.map((a) => [a.endpoint, a.responseStatus])).toEqual([
      ['/api/events/trackBulk', 200],
    ])
    expect(lookup.attempts[0].eventIds).toContain(lookup.events[0].id)
  })

  it('sends at most 1000 items per bulk request', async () => {
    // A long linger: a body goes when it is full (1000) or the log is read to its end. How many
    // bodies that makes depends on how far the log was read when each was built (a user's later
    // items wait while an earlier body carrying that user is in flight), so the test asserts the
    // cut, not a request count.
    harness = await createHarness({ start: false, delivery: { lingerMs: 10_000 } })
    const events = []
    for (let i = 0; i < 2500; i++) events.push(track(`user-${i % 50}`, 'Viewed', { i }))
    await harness.send(events)
    await harness.service.start()
    await harness.waitFor(() => emptyQueues(harness!), 20_000)
    const attempts = await harness.store.listAttempts({ endpoint: '/api/events/trackBulk', limit: 100 })
    expect(attempts.every((a) => a.responseStatus === 200)).toBe(true)
    const sizes = attempts.map((a) => a.jobCount)
    expect(Math.max(...sizes)).toBe(1000)
    expect(sizes.reduce((sum, n) => sum + n, 0)).toBe(2500)
    expect(harness.sandbox.stats.snapshot().endpoints['/api/events/trackBulk'].accepted).toBe(2500)
  })

  it('cuts a bulk request before it would pass 4 MB', async () => {
    harness = await createHarness({ start: false })
    // 150 events of about 30 KB (under Segment's 32 KB): about 4.5 MB in one claim of 1000.
    const filler = 'x'.repeat(30_000)
    const events = Array.from({ length: 150 }, (_, i) =>
      track(`big-${i % 3}`, 'Big', { filler, i }, `big-${i}`),
    )
    await harness.send(events)
    await harness.service.start()
    await harness.waitFor(() => emptyQueues(harness!), 20_000)
    const attempts = await harness.store.listAttempts({ endpoint: '/api/events/trackBulk', limit: 100 })
    expect(attempts.every((a) => a.responseStatus === 200)).toBe(true)
    expect(attempts.length).toBeGreaterThanOrEqual(2)
    expect(attempts.reduce((sum, a) => sum + a.jobCount, 0)).toBe(150)
    // Each body stayed under the limit: the sandbox refuses a larger one (and nothing was refused).
    for (const a of attempts) expect(a.jobCount * 30_000).toBeLessThan(4 * 1024 * 1024)
    expect((await harness.store.listDeadLetters()).items).toHaveLength(0)
    let stored = 0
    for (let u = 0; u < 3; u++)
      stored += harness.sandbox.state.project().findByUserId(`big-${u}`)?.events.length ?? 0
    expect(stored).toBe(150)
  })

  it('respects the mapping batch size', async () => {
    const mappings = defaultMappings().map((m) =>
      m.action === 'trackEvent' ? { ...m, batching: { enabled: true, size: 7 } } : m,
    )
    harness = await createHarness({ start: false, mappings })
    const events = []
    for (let i = 0; i < 20; i++) events.push(track('u-size', 'Viewed', { i }))
    await harness.send(events)
    await harness.service.start()
    await harness.waitFor(() => emptyQueues(harness!))
    expect(count(requestsTo(harness.sandbox, '/api/events/trackBulk'), '200')).toBe(3)
  })

  it('flushes a partial batch as soon as no more jobs are waiting (does not sit out a long linger)', async () => {
    harness = await createHarness()
    const started = Date.now()
    await harness.send([track('u-idle', 'Pinged')])
    await harness.waitFor(() => emptyQueues(harness!), 5000)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(count(requestsTo(harness.sandbox, '/api/events/trackBulk'), '200')).toBe(1)
  })

  it('sends single requests when batching is off', async () => {
    const mappings = defaultMappings().map((m) => ({ ...m, batching: { enabled: false } }))
    harness = await createHarness({ mappings })
    await harness.send([
      identify('u-single', 'single@example.com'),
      track('u-single', 'A'),
      track('u-single', 'B'),
    ])
    await harness.waitFor(() => emptyQueues(harness!))
    expect(count(requestsTo(harness.sandbox, '/api/users/update'), '200')).toBe(1)
    expect(count(requestsTo(harness.sandbox, '/api/events/track'), '200')).toBe(2)
    expect(harness.sandbox.state.project().findByUserId('u-single')?.events.length).toBe(2)
  })

  it("identify first: a user's custom events wait for that user's pending Upsert User", async () => {
    // An email-based project: trackBulk cannot create users, so an event sent before its identify fails.
    harness = await createHarness({
      sandbox: { projects: [{ type: 'email', apiKeys: ['email-key'] }] },
      apiKey: 'email-key',
      start: false,
    })
    const events = []
    for (let u = 0; u < 30; u++) {
      events.push(identify(`id-${u}`, `first-${u}@example.com`))
      events.push({ ...track(`id-${u}`, 'Bought'), context: { traits: { email: `first-${u}@example.com` } } })
    }
    await harness.send(events)
    await harness.service.start()
    await harness.waitFor(() => emptyQueues(harness!), 15_000)
    const project = harness.sandbox.state.project()
    for (let u = 0; u < 30; u++) expect(project.findByEmail(`first-${u}@example.com`)?.events.length).toBe(1)
    const rejected = harness.sandbox.stats.snapshot().endpoints['/api/events/trackBulk'].rejected
    expect(rejected.notFoundEmails ?? 0).toBe(0)
  })

  it("identify first: a user's cart and purchase jobs wait for that user's pending Upsert User", async () => {
    // The Upsert User jobs go in bulk (and linger); cart and purchase are single requests that would
    // otherwise leave at once.
    // Every answer takes 100 ms: a cart sent only after its user's bulk update was answered is
    // itself answered at least ~100 ms after it; one sent alongside, at about the same time.
    harness = await createHarness({ start: false, sandbox: { faults: { latencyMs: 100 } } })
    const products = [{ product_id: 'p1', sku: 'SKU1', name: 'Pen', price: 2.5, quantity: 2 }]
    const events = []
    for (let u = 0; u < 10; u++) {
      const email = `shopper-${u}@example.com`
      events.push(identify(`shopper-${u}`, email))
      events.push({ ...track(`shopper-${u}`, 'Cart Updated', { products }), context: { traits: { email } } })
      events.push({
        ...track(`shopper-${u}`, 'Order Completed', { order_id: `o-${u}`, total: 5, products }),
        context: { traits: { email } },
      })
    }
    await harness.send(events)
    await harness.service.start()
    await harness.waitFor(() => emptyQueues(harness!), 15_000)
    const attempts = await harness.store.listAttempts({ limit: 1000 })
    const at = (endpoint: string): number[] =>
      attempts.filter((a) => a.endpoint === endpoint && a.responseStatus === 200).map((a) => a.at)
    const identified = Math.min(...at('/api/users/bulkUpdate'))
    expect(at('/api/commerce/updateCart')).toHaveLength(10)
    expect(at('/api/commerce/trackPurchase')).toHaveLength(10)
    // Every cart and purchase request was sent after the bulk update that created its user was answered.
    for (const t of [...at('/api/commerce/updateCart'), ...at('/api/commerce/trackPurchase')])
      expect(t - identified).toBeGreaterThanOrEqual(80)
    const project = harness.sandbox.state.project()
    for (let u = 0; u < 10; u++)
      expect(project.findByUserId(`shopper-${u}`)?.email).toBe(`shopper-${u}@example.com`)
  })

  it('records a routing failure (validation) as a failed outcome, never silently', async () => {
    harness = await createHarness()
    // Upsert User without userId and email fails validation
    const event = {
      type: 'identify',
      anonymousId: 'anon-1',
      traits: { plan: 'x' },
      messageId: 'invalid-identify',
    }
    await harness.send([event])
    // Routing happens as delivery reads the log: the refusal is written with its progress.
    await harness.waitFor(
      async () => (await harness!.store.lookupEvent('invalid-identify')).outcomes.length > 0,
    )
    const lookup = await harness.store.lookupEvent('invalid-identify')
    expect(lookup.events).toHaveLength(1)
    expect(lookup.outcomes).toHaveLength(1)
    expect(lookup.outcomes[0].outcome).toBe('failed')
    expect(lookup.outcomes[0].errorCode).toBe('PAYLOAD_VALIDATION_FAILED')
    expect(lookup.outcomes[0].errorMessage).toMatch(/email|userId/i)
  })

  it('a destination without an API key keeps the events and sends nothing', async () => {
    harness = await createHarness({ apiKey: false })
    await harness.send([identify('u-off', 'off@example.com'), track('u-off', 'Nope')])
    await new Promise((r) => setTimeout(r, 300))
    expect(
      (await harness.store.lookupEvent((await harness.store.findEventsByUser('u-off'))[0].messageId)).events,
    ).toHaveLength(1)
    expect(await harness.store.findEventsByUser('u-off')).toHaveLength(2)
    // Nobody delivers it: its cursor stays where it was created, the events wait behind it.
    const [stats] = await harness.store.deliveryStats()
    expect(stats.behind).toBe(2)
    expect(stats.owner).toBeNull()
    expect(harness.sandbox.stats.snapshot().endpoints).toEqual({})
    expect(harness.service.destinations()[0].state).toBe('no-api-key')
  })

  it('recompiles on reload only, not per event', async () => {
    harness = await createHarness()
    const routing = harness.service.routing
    await harness.send([track('u-r', 'X')])
    expect(harness.service.routing).toBe(routing)
    await harness.service.reload()
    expect(harness.service.routing).not.toBe(routing)
  })
})
