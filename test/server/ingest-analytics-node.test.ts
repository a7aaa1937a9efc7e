// A real Segment client, @segment/analytics-node, pointed at the ingest routes over HTTP.
import { Analytics } from '@segment/analytics-node'
import { afterEach, describe, expect, it } from 'vitest'
import type { IngestOptions } from '../../src/server/ingest/index.js'
import type { IngestFixture } from './ingest-helpers.js'
import { SOURCE_ID, WRITE_KEY, buildIngestApp } from './ingest-helpers.js'

interface Client {
  analytics: Analytics
  /** Every event the client put on the wire, by messageId (last attempt wins). */
  sent: Map<string, Record<string, unknown>>
  statuses: number[]
  errors: unknown[]
}

async function startClient(fixture: IngestFixture, flushAt: number): Promise<Client> {
  await fixture.app.listen({ host: '127.0.0.1', port: 0 })
  const address = fixture.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  const analytics = new Analytics({
    writeKey: WRITE_KEY,
    host: `http://127.0.0.1:${address.port}`,
    path: '/v1/batch',
    flushAt,
    flushInterval: 50,
    maxRetries: 3,
  })
  const client: Client = { analytics, sent: new Map(), statuses: [], errors: [] }
  analytics.on('http_request', ({ body }) => {
    for (const event of (JSON.parse(body) as { batch: Record<string, unknown>[] }).batch) {
      client.sent.set(event.messageId as string, event)
    }
  })
  analytics.on('http_response', ({ status }) => client.statuses.push(status))
  analytics.on('error', (error) => client.errors.push(error))
  return client
}

function sendEveryKind(analytics: Analytics): void {
  const context = { ip: '203.0.113.9', locale: 'de-DE', userAgent: 'ingest-test' }
  analytics.identify({ userId: 'user-1', traits: { email: 'user-1@example.com', plan: 'pro' }, context })
  analytics.track({
    userId: 'user-1',
    event: 'Order Completed',
    properties: { revenue: 42.5, products: [{ sku: 'A' }] },
  })
  analytics.page({ anonymousId: 'anon-1', category: 'Docs', name: 'Install', properties: { path: '/docs' } })
  analytics.screen({ userId: 'user-1', name: 'Settings', properties: { tab: 'billing' } })
  analytics.group({ userId: 'user-1', groupId: 'org-7', traits: { name: 'Acme', employees: 12 } })
  analytics.alias({ userId: 'user-1', previousId: 'anon-1' })
}

let fixture: IngestFixture | undefined
afterEach(async () => {
  await fixture?.app.close()
  fixture = undefined
})

describe('ingest with @segment/analytics-node', () => {
  it('receives identify, track, page, screen, group, alias and hundreds of events with all their fields', async () => {
    fixture = await buildIngestApp({ clock: () => new Date() })
    const client = await startClient(fixture, 40)
    sendEveryKind(client.analytics)
    for (let i = 0; i < 400; i++) {
      client.analytics.track({
        userId: `user-${i % 17}`,
        event: i % 2 === 0 ? 'Product Viewed' : 'Product Added',
        properties: { index: i, price: i / 10, tags: ['x', `t${i}`], note: 'ünïcödé “quotes”' },
        timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)),
      })
    }
    await client.analytics.closeAndFlush({ timeout: 20_000 })

    expect(client.errors).toEqual([])
    expect(client.statuses.every((status) => status === 200)).toBe(true)
    const received = fixture.events()
    expect(received).toHaveLength(406)
    expect(client.sent.size).toBe(406)
    expect(new Set(received.map((e) => e.messageId)).size).toBe(406)
    expect(fixture.calls.every((call) => call.sourceId === SOURCE_ID)).toBe(true)

    const byId = new Map(received.map((event) => [event.messageId as string, event]))
    for (const [messageId, sent] of client.sent) {
      const event = byId.get(messageId)
      expect(event, messageId).toBeDefined()
      // Every field the client sent arrives unchanged (it sets timestamp, so timestamp is kept).
      expect(event).toMatchObject(sent)
      expect(typeof event!.receivedAt).toBe('string')
      expect(event!.sentAt).toEqual(expect.any(String))
    }
    const kinds = received.map((e) => e.type)
    expect(new Set(kinds)).toEqual(new Set(['identify', 'track', 'page', 'screen', 'group', 'alias']))
    const identify = received.find((e) => e.type === 'identify')
    expect(identify).toMatchObject({
      userId: 'user-1',
      traits: { email: 'user-1@example.com', plan: 'pro' },
      context: {
        ip: '203.0.113.9',
        locale: 'de-DE',
        userAgent: 'ingest-test',
        library: { name: '@segment/analytics-node' },
      },
      _metadata: { jsRuntime: 'node' },
    })
    expect(
      received.find((e) => e.properties && (e.properties as { index?: number }).index === 399),
    ).toMatchObject({
      event: 'Product Added',
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, 399 % 60)).toISOString(),
    })
  })

  it('retries after a 503 from a failing sink, and every event still arrives', async () => {
    let failures = 1
    const accepted: Record<string, unknown>[] = []
    const accept: IngestOptions['accept'] = async (_source, events) => {
      if (failures > 0) {
        failures--
        throw new Error('store busy')
      }
      accepted.push(...(events as Record<string, unknown>[]))
      return {}
    }
    fixture = await buildIngestApp({ accept })
    const client = await startClient(fixture, 10)
    for (let i = 0; i < 10; i++)
      client.analytics.track({ anonymousId: 'a', event: 'Retry Me', properties: { i } })
    await client.analytics.closeAndFlush({ timeout: 20_000 })
    expect(client.statuses).toEqual([503, 200])
    expect(client.errors).toEqual([])
    expect(accepted.map((e) => (e.properties as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })
})
