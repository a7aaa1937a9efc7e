// End to end: @segment/analytics-node → serve (in-process, port 0) → routing → delivery → the
// built-in sandbox. Every event arrives with the body `previewEvent` predicts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Analytics } from '@segment/analytics-node'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { defaultConfig } from '../../src/config/index.js'
import { previewEvent } from '../../src/preview/index.js'

let service: RunningService | undefined
let dir: string | undefined
afterEach(async () => {
  await service?.close(2000)
  service = undefined
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function waitFor(predicate: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 25))
  }
}

// Every request body kept in the attempts log: the test compares what was sent with preview.
const FAST = { pollMs: 50, lingerMs: 50, rateLimits: false, requestBodies: 'all' as const }

describe('serve end to end', () => {
  it('analytics-node → serve → sandbox: identify, track, cart and order arrive as preview predicts; a page is kept; a repeated messageId is delivered once', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ia-serve-'))
    service = await startService({
      port: 0,
      host: '127.0.0.1',
      dataDir: dir,
      sandbox: true,
      adminToken: 'test-admin-token',
      writeKey: 'e2e-write-key',
      logger: pino({ level: 'silent' }),
      delivery: FAST,
    })
    expect(service.mode).toBe('sandbox')
    const analytics = new Analytics({
      writeKey: 'e2e-write-key',
      host: service.url,
      flushAt: 10,
      flushInterval: 50,
    })
    const ids: string[] = []
    const remember = (id: string): string => (ids.push(id), id)
    analytics.identify({
      userId: 'e2e-1',
      traits: { email: 'e2e-1@example.com', firstName: 'Ada', plan: 'pro' },
      messageId: remember('m-identify'),
    })
    analytics.track({
      userId: 'e2e-1',
      event: 'Signed Up',
      properties: { referrer: 'ad' },
      messageId: remember('m-track'),
    })
    analytics.track({
      userId: 'e2e-1',
      event: 'Cart Updated',
      properties: { products: [{ product_id: 'p1', sku: 'SKU1', name: 'Pen', price: 2.5, quantity: 2 }] },
      context: { traits: { email: 'e2e-1@example.com' } },
      messageId: remember('m-cart'),
    })
    analytics.track({
      userId: 'e2e-1',
      event: 'Order Completed',
      properties: {
        order_id: 'o-1',
        total: 5,
        products: [{ product_id: 'p1', sku: 'SKU1', name: 'Pen', price: 2.5, quantity: 2 }],
      },
      context: { traits: { email: 'e2e-1@example.com' } },
      messageId: remember('m-order'),
    })
    // A page (no preset maps pages: accepted and kept, sent nowhere) and the track again with the
    // same messageId (a client retry: delivered once).
    analytics.page({ userId: 'e2e-1', name: 'Home', properties: { path: '/' }, messageId: 'm-page' })
    analytics.track({
      userId: 'e2e-1',
      event: 'Signed Up',
      properties: { referrer: 'ad' },
      messageId: 'm-track',
    })
    await analytics.closeAndFlush()

    const store = service.store
    await waitFor(
      async () =>
        (await store.deliveryStats()).every((s) => s.behind === 0 && s.lanes.length === 0) &&
        (await store.listAttempts()).length >= 4,
    )

    // what was sent, per messageId, from the attempts log (bulk items are matched by id / userId)
    const sent: { path: string; body: Record<string, unknown> }[] = []
    for (const attempt of await store.listAttempts()) {
      expect(attempt.responseStatus).toBe(200)
      sent.push({
        path: attempt.endpoint,
        body: JSON.parse(attempt.requestBody ?? 'null') as Record<string, unknown>,
      })
    }
    const config = defaultConfig()
    for (const messageId of ids) {
      const lookup = await store.lookupEvent(messageId)
      // Delivered at the first try: no line in the outcome log, a request that carried it.
      expect(lookup.outcomes).toEqual([])
      expect(lookup.attempts.length).toBeGreaterThan(0)
      expect(lookup.attempts.every((a) => a.responseStatus === 200)).toBe(true)
      const predicted = previewEvent(config, JSON.parse(lookup.events[0].body))
      const requests = predicted.results.flatMap((r) => ('requests' in r ? r.requests : []))
      expect(requests.length).toBeGreaterThan(0)
      for (const request of requests) {
        const pathname = new URL(request.url).pathname
        const body = request.body as Record<string, unknown>
        if (pathname === '/api/events/track') {
          const bulk = sent.find((s) => s.path === '/api/events/trackBulk')
          const item = (bulk?.body.events as Record<string, unknown>[]).find((e) => e.id === body.id)
          expect(item).toEqual(body)
        } else if (pathname === '/api/users/update') {
          const bulk = sent.find((s) => s.path === '/api/users/bulkUpdate')
          const item = (bulk?.body.users as Record<string, unknown>[]).find((u) => u.userId === body.userId)
          expect(item).toEqual(body)
        } else {
          const single = sent.find((s) => s.path === pathname)
          expect(single?.body).toEqual(body)
        }
      }
    }
    const project = service.sandbox!.state.project()
    const user = project.findByUserId('e2e-1')
    expect(user?.email).toBe('e2e-1@example.com')
    expect(user?.dataFields.plan).toBe('pro')
    expect(user?.events.filter((e) => e.id === 'm-track')).toHaveLength(1)
    expect((await store.lookupEvent('m-track')).events).toHaveLength(1)
    const page = await store.lookupEvent('m-page')
    expect(page.events.map((e) => (JSON.parse(e.body) as { type: string }).type)).toEqual(['page'])
    expect(page.outcomes).toEqual([])
    expect(user?.events.some((e) => e.eventType === 'purchase')).toBe(true)
    // Each user's order across endpoints: the cart was sent before the purchase that cleared it.
    expect(sent.some((s) => s.path === '/api/commerce/updateCart')).toBe(true)
    expect(user?.dataFields.shoppingCartItems).toBeUndefined()
  })
})
