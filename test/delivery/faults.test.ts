// Failures: 5xx share, 429 storms, outages (retry window → dead letter → replay), 401 pause,
// notFound short retry, per-item bulk failures (D7), field-type mismatch narrowing.
import { afterEach, describe, expect, it } from 'vitest'
import { routingPort } from '../../src/cli/serve/routing-port.js'
import { defaultMappings } from '../../src/config/index.js'
import {
  count,
  createHarness,
  drained,
  identify,
  requestsTo,
  sender,
  track,
  type Harness,
} from './harness.js'

let harness: Harness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

const emptyQueues = (h: Harness): Promise<boolean> => drained(h.store)

describe('retries', () => {
  it('retries through a 5xx share and a 429 storm and loses nothing', async () => {
    const retried: number[] = []
    harness = await createHarness({
      sandbox: { seed: 7, faults: { failRate: 0.4, failStatus: 503 } },
      delivery: { retryBaseMs: 10, retryMaxDelayMs: 50 },
      mappings: undefined,
      observer: { retried: (_d, _e, n) => retried.push(n) },
    })
    harness.sandbox.setFaults({ throttleSeconds: 0.3 })
    const events = []
    for (let i = 0; i < 60; i++) {
      // batching off for a few: many requests, many dice
      events.push(track(`r-${i % 6}`, 'Retry', { i }, `retry-${i}`))
      if (i % 10 === 0) await harness.send(events.splice(0))
    }
    await harness.send(events)
    await harness.waitFor(() => emptyQueues(harness!), 20_000)
    let stored = 0
    for (let u = 0; u < 6; u++)
      stored += harness.sandbox.state.project().findByUserId(`r-${u}`)?.events.length ?? 0
    expect(stored).toBe(60)
    expect(retried.reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
    const page = await harness.store.listDeadLetters()
    expect(page.items).toHaveLength(0)
    const statuses = requestsTo(harness.sandbox, '/api/events/trackBulk')
    expect(count(statuses, '503') + count(statuses, '429')).toBeGreaterThan(0)
  })

  it('slow answers and requests never answered: retried after the deadline, nothing lost, no dead letters', async () => {
    // Singles (batching off) and bulk: many requests, many of them slow or unanswered.
    const mappings = defaultMappings().map((m) =>
      m.action === 'trackEvent' ? { ...m, batching: { enabled: false } } : m,
    )
    harness = await createHarness({
      mappings,
      sandbox: {
        seed: 11,
        faults: { latencyMs: 40, latencyJitterMs: 80, timeoutRate: 0.15, timeoutHoldMs: 5000 },
      },
      delivery: { retryBaseMs: 20, retryMaxDelayMs: 100, concurrency: 8 },
      requestTimeoutMs: 300,
    })
    const events: Record<string, unknown>[] = []
    for (let u = 0; u < 5; u++) events.push(identify(`slow-${u}`, `slow-${u}@example.com`))
    for (let i = 0; i < 40; i++) events.push(track(`slow-${i % 5}`, 'Slow', { i }, `slow-${i}`))
    await harness.send(events)
    await harness.waitFor(() => emptyQueues(harness!), 30_000)
    const project = harness.sandbox.state.project()
    const ids = new Set<string>()
    for (let u = 0; u < 5; u++) {
      expect(project.findByUserId(`slow-${u}`)?.email).toBe(`slow-${u}@example.com`)
      for (const event of project.findByUserId(`slow-${u}`)?.events ?? []) ids.add(String(event.id))
    }
    // Every event once (a re-sent custom event keeps id = messageId: Iterable updates, not adds).
    expect(ids.size).toBe(40)
    expect((await harness.store.listDeadLetters()).items).toHaveLength(0)
    // Some requests did meet the deadline and were retried.
    const attempts = await harness.store.listAttempts({ endpoint: '/api/events/track', limit: 1000 })
    expect(attempts.filter((a) => a.responseStatus === null).length).toBeGreaterThan(0)
  })

  it('backs off exponentially: first retry after about retryBaseMs, then about twice that', async () => {
    harness = await createHarness({
      delivery: { retryBaseMs: 200, retryMaxDelayMs: 10_000, retryWindowMs: 60_000 },
    })
    harness.sandbox.setFaults({ outageSeconds: 60 })
    await harness.send([track('b-1', 'Backoff', {}, 'backoff-1')])
    await harness.waitFor(async () => {
      const job = (await harness!.store.listAttempts({ endpoint: '/api/events/trackBulk' })).length
      return job >= 3
    })
    const attempts = (await harness.store.listAttempts({ endpoint: '/api/events/trackBulk' })).reverse()
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i].at)
    // ≈200 ms (±25 %), then ≈400 ms
    expect(gaps[0]).toBeGreaterThanOrEqual(140)
    expect(gaps[1]).toBeGreaterThanOrEqual(290)
    expect(gaps[1]).toBeGreaterThan(gaps[0] * 1.15)
  })

  it('an outage makes the queue rest: a few probes, not every waiting job, then all delivered', async () => {
    const mappings = defaultMappings().map((m) => ({ ...m, batching: { enabled: false } }))
    harness = await createHarness({
      mappings,
      delivery: { retryBaseMs: 100, retryMaxDelayMs: 400, concurrency: 4 },
    })
    harness.sandbox.setFaults({ outageSeconds: 1.5 })
    const events = Array.from({ length: 300 }, (_, i) => track(`o-${i % 30}`, 'Outage', { i }, `outage-${i}`))
    await harness.send(events)
    await harness.waitFor(() => emptyQueues(harness!), 20_000)
    const statuses = requestsTo(harness.sandbox, '/api/events/track')
    expect(count(statuses, '200')).toBe(300)
    // Without resting, every job would meet the outage at least once (≥ 300 refusals); with it,
    // each probe costs at most one request per lane.
    expect(count(statuses, '503')).toBeGreaterThan(0)
    expect(count(statuses, '503')).toBeLessThan(60)
    expect((await harness.store.listDeadLetters()).items).toHaveLength(0)
  })

  it('dead-letters after the retry window with the reason, and a replay delivers', async () => {
    harness = await createHarness({
      delivery: { retryWindowMs: 1500, retryBaseMs: 50, retryMaxDelayMs: 100 },
    })
    harness.sandbox.setFaults({ outageSeconds: 60 })
    await harness.send([identify('dl-1', 'dl-1@example.com'), track('dl-1', 'Lost?', {}, 'dl-track')])
    await harness.waitFor(async () => (await harness!.store.listDeadLetters()).items.length === 2)
    const page = await harness.store.listDeadLetters()
    const letter = page.items.find((d) => d.messageId === 'dl-track')
    expect(letter?.reason).toMatch(/retry window of 1500 ms exhausted/)
    expect(letter?.statusCode).toBe(503)
    // the identify was retried within the window; the track waited behind it (identify first)
    const identifyLetter = page.items.find((d) => d.action === 'updateUser')
    expect(identifyLetter?.attempts).toBeGreaterThanOrEqual(2)
    expect(letter?.attempts).toBeGreaterThanOrEqual(1)
    harness.sandbox.setFaults({ outageSeconds: 0 })
    expect(await harness.service.replayDeadLetters({ filter: {} })).toBe(2)
    harness.service.wakeAll()
    await harness.waitFor(
      () => (harness!.sandbox.state.project().findByUserId('dl-1')?.events.length ?? 0) === 1,
    )
    await harness.waitFor(() => emptyQueues(harness!))
  })

  it('a permanent error is a dead letter at once, with the reason', async () => {
    harness = await createHarness({
      sandbox: { projects: [{ apiKeys: ['k-disallow'], disallowedEventNames: ['Forbidden'] }] },
      apiKey: 'k-disallow',
    })
    await harness.send([
      track('d7', 'Allowed', {}, 'd7-ok-1'),
      track('d7', 'Forbidden', {}, 'd7-bad'),
      track('d7', 'Allowed', {}, 'd7-ok-2'),
    ])
    await harness.waitFor(() => emptyQueues(harness!))
    // D7: one trackBulk; the disallowed item alone fails
    expect(count(requestsTo(harness.sandbox, '/api/events/trackBulk'))).toBe(1)
    expect(
      harness.sandbox.state
        .project()
        .findByUserId('d7')
        ?.events.map((e) => e.id)
        .sort(),
    ).toEqual(['d7-ok-1', 'd7-ok-2'])
    const dead = (await harness.store.listDeadLetters()).items
    expect(dead.map((d) => d.messageId)).toEqual(['d7-bad'])
    expect(dead[0].code).toBe('disallowedEventNames')
    const ok = await harness.store.lookupEvent('d7-ok-1')
    expect(ok.outcomes).toEqual([])
    expect(ok.attempts.map((a) => a.responseStatus)).toEqual([200])
  })
})

describe('pause on 401', () => {
  it('pauses the destination instead of burning retries, and resumes when the key changes', async () => {
    harness = await createHarness({ apiKey: 'wrong-key' })
    await harness.send([track('p-1', 'Paused', {}, 'paused-1')])
    await harness.waitFor(
      async () => (await harness!.store.getDestination(harness!.destination.id))?.paused != null,
    )
    const destination = await harness.store.getDestination(harness.destination.id)
    // Said once: "Iterable answered 401 UNAUTHORIZED (BadApiKey): …", not twice over.
    expect(destination?.paused?.reason).toMatch(/^Iterable answered 401 UNAUTHORIZED/)
    expect(destination?.paused?.reason.match(/Iterable answered/g)).toHaveLength(1)
    expect(harness.service.destinations()[0].state).toBe('paused')
    await new Promise((r) => setTimeout(r, 300))
    // one request, then nothing: the job waits, not retried, not dead
    expect(count(requestsTo(harness.sandbox, '/api/events/trackBulk'))).toBe(1)
    // The item waits in memory, its event behind the cursor: not parked, not dead.
    const [stats] = await harness.store.deliveryStats()
    expect(stats.behind).toBe(1)
    expect(stats.lanes).toEqual([])
    expect((await harness.store.listDeadLetters()).items).toHaveLength(0)

    await harness.store.updateDestination(harness.destination.id, { apiKey: harness.sandbox.apiKey })
    await harness.service.resume(harness.destination.id)
    await harness.waitFor(
      () => (harness!.sandbox.state.project().findByUserId('p-1')?.events.length ?? 0) === 1,
    )
    expect((await harness.store.getDestination(harness.destination.id))?.paused).toBeNull()
  })
  it('a 401 that answers a key replaced while it was in flight pauses nothing', async () => {
    // Iterable answers slowly: the fixed key is saved (and delivery reloaded) before the 401 to the
    // old key arrives. That late 401 used to pause the destination again, under the new key.
    harness = await createHarness({ apiKey: 'wrong-key', sandbox: { faults: { latencyMs: 2500 } } })
    await harness.send([track('p-late', 'Paused', {}, 'paused-late')])
    // Delivery sends within a poll (50 ms); the sandbox answers 2.5 s later.
    await new Promise((r) => setTimeout(r, 400))
    await harness.store.updateDestination(harness.destination.id, { apiKey: harness.sandbox.apiKey })
    await harness.service.resume(harness.destination.id)
    harness.sandbox.setFaults({ latencyMs: 0 })
    await harness.waitFor(() => count(requestsTo(harness!.sandbox, '/api/events/trackBulk'), '401') === 1)
    await harness.waitFor(
      () => (harness!.sandbox.state.project().findByUserId('p-late')?.events.length ?? 0) === 1,
      15_000,
    )
    expect((await harness.store.getDestination(harness.destination.id))?.paused).toBeNull()
    expect(harness.service.destinations()[0].state).toBe('delivering')
  })
})

describe('user not found (email-based project)', () => {
  const emailProject = { sandbox: { projects: [{ type: 'email', apiKeys: ['ek'] }] }, apiKey: 'ek' as const }

  it('retries a custom event whose user does not exist yet, then delivers once the user exists', async () => {
    harness = await createHarness({ ...emailProject, delivery: { notFoundWindowMs: 5000, retryBaseMs: 50 } })
    await harness.send([
      {
        ...track('nf-1', 'Early', {}, 'nf-early'),
        userId: undefined,
        anonymousId: 'a',
        context: { traits: { email: 'nf@example.com' } },
      },
    ])
    await harness.waitFor(async () =>
      (await harness!.store.lookupEvent('nf-early')).outcomes.some((o) => o.outcome === 'retrying'),
    )
    // the user appears (e.g. created by another source)
    await harness.send([identify('nf-user', 'nf@example.com')])
    await harness.waitFor(
      () => (harness!.sandbox.state.project().findByEmail('nf@example.com')?.events.length ?? 0) === 1,
      8000,
    )
    expect((await harness.store.listDeadLetters()).items).toHaveLength(0)
  })

  it('dead-letters after the short not-found window', async () => {
    harness = await createHarness({
      ...emailProject,
      delivery: { notFoundWindowMs: 300, retryBaseMs: 50, retryMaxDelayMs: 100 },
    })
    await harness.send([
      {
        type: 'track',
        anonymousId: 'anon',
        event: 'Orphan',
        messageId: 'nf-orphan',
        context: { traits: { email: 'nobody@example.com' } },
      },
    ])
    await harness.waitFor(async () => (await harness!.store.listDeadLetters()).items.length === 1)
    const [letter] = (await harness.store.listDeadLetters()).items
    expect(letter.reason).toMatch(/user-not-found window of 300 ms exhausted/)
    expect(letter.code).toBe('notFoundEmails')
  })
})

describe('field type mismatch (RequestFieldsTypesMismatched)', () => {
  it('fails the offending event alone and delivers the rest of the batch', async () => {
    harness = await createHarness()
    await harness.send([track('mm', 'Typed', { amount: 5 }, 'mm-seed')])
    await harness.waitFor(() => emptyQueues(harness!))
    await harness.service.stop(1000)
    // a fresh service so that the three events share one batch
    const { DeliveryService } = await import('../../src/delivery/index.js')
    const { FAST } = await import('./harness.js')
    const service = new DeliveryService({
      store: harness.store,
      routing: routingPort,
      baseUrlOverride: harness.sandbox.url,
      delivery: FAST,
    })
    await service.reload()
    await sender(
      service,
      harness.sourceId,
    )([
      {
        type: 'track',
        userId: 'mm',
        event: 'Typed',
        properties: { amount: 6 },
        messageId: 'mm-ok-1',
        timestamp: new Date().toISOString(),
        receivedAt: new Date().toISOString(),
      },
      {
        type: 'track',
        userId: 'mm',
        event: 'Typed',
        properties: { amount: { nested: true } },
        messageId: 'mm-bad',
        timestamp: new Date().toISOString(),
        receivedAt: new Date().toISOString(),
      },
      {
        type: 'track',
        userId: 'mm',
        event: 'Typed',
        properties: { amount: 7 },
        messageId: 'mm-ok-2',
        timestamp: new Date().toISOString(),
        receivedAt: new Date().toISOString(),
      },
    ])
    await service.start()
    try {
      await harness.waitFor(() => emptyQueues(harness!))
      const ids = harness.sandbox.state
        .project()
        .findByUserId('mm')
        ?.events.map((e) => e.id)
        .sort()
      expect(ids).toEqual(['mm-ok-1', 'mm-ok-2', 'mm-seed'])
      const dead = (await harness.store.listDeadLetters()).items
      expect(dead.map((d) => d.messageId)).toEqual(['mm-bad'])
      expect(dead[0].code).toBe('RequestFieldsTypesMismatched')
      expect(count(requestsTo(harness.sandbox, '/api/events/trackBulk'), '400')).toBe(1)
    } finally {
      await service.stop(1000)
    }
  })
})
