// Accepted requests: routes and their types, write key placement, content types, encodings,
// batch defaults and partial rejection, filled fields, CORS, and acknowledgement after commit.
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { SINGLE_EVENT_ROUTES } from '../../src/server/ingest/index.js'
import type { IngestFixture } from './ingest-helpers.js'
import { FIXED_NOW, SOURCE_ID, WRITE_KEY, basicAuth, buildIngestApp } from './ingest-helpers.js'

const auth = { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' }
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const bodies: Record<string, Record<string, unknown>> = {
  track: { event: 'Order Completed', userId: 'u1', properties: { revenue: 12.5 } },
  identify: { userId: 'u1', traits: { email: 'u1@example.com' } },
  page: { anonymousId: 'a1', name: 'Home', properties: { path: '/' } },
  screen: { userId: 'u1', name: 'Settings' },
  group: { userId: 'u1', groupId: 'g1', traits: { plan: 'pro' } },
  alias: { userId: 'u1', previousId: 'a1' },
}

let fixture: IngestFixture
afterEach(async () => {
  await fixture?.app.close()
})

describe('ingest: routes', () => {
  it.each(SINGLE_EVENT_ROUTES.map(([path, type]) => ({ path, type })))(
    '$path sets type "$type"',
    async ({ path, type }) => {
      fixture = await buildIngestApp()
      const response = await fixture.app.inject({
        method: 'POST',
        url: path,
        headers: auth,
        payload: bodies[type],
      })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual({ success: true })
      expect(fixture.calls).toHaveLength(1)
      expect(fixture.calls[0].sourceId).toBe(SOURCE_ID)
      expect(fixture.calls[0].info.route).toBe(path)
      const [event] = fixture.events()
      expect(event).toMatchObject({ ...bodies[type], type })
    },
  )

  it('accepts a type that agrees with the route', async () => {
    fixture = await buildIngestApp()
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers: auth,
      payload: { ...bodies.identify, type: 'identify' },
    })
    expect(response.statusCode).toBe(200)
  })

  it.each(['/v1/batch', '/v1/import'])('%s takes a batch of mixed types', async (url) => {
    fixture = await buildIngestApp()
    const batch = Object.entries(bodies).map(([type, body]) => ({ ...body, type }))
    const response = await fixture.app.inject({ method: 'POST', url, headers: auth, payload: { batch } })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ success: true })
    expect(fixture.events().map((e) => e.type)).toEqual(Object.keys(bodies))
  })
})

describe('ingest: write key and content types', () => {
  it('reads the write key from Basic auth with or without the colon', async () => {
    fixture = await buildIngestApp()
    const noColon = `Basic ${Buffer.from(WRITE_KEY).toString('base64')}`
    for (const authorization of [basicAuth(WRITE_KEY), noColon, basicAuth(WRITE_KEY, 'ignored')]) {
      const response = await fixture.app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: { authorization, 'content-type': 'application/json' },
        payload: bodies.track,
      })
      expect(response.statusCode).toBe(200)
    }
    expect(fixture.calls).toHaveLength(3)
  })

  it('reads the write key from the body (analytics.js: text/plain) and keeps it out of the event', async () => {
    fixture = await buildIngestApp()
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/v1/t',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ ...bodies.track, writeKey: WRITE_KEY }),
    })
    expect(response.statusCode).toBe(200)
    const [event] = fixture.events()
    expect(event.event).toBe('Order Completed')
    expect(event).not.toHaveProperty('writeKey')
  })

  it('prefers the Basic auth key over the body key', async () => {
    fixture = await buildIngestApp()
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: auth,
      payload: { batch: [{ ...bodies.track, type: 'track' }], writeKey: 'not-a-key' },
    })
    expect(response.statusCode).toBe(200)
  })

  it.each([
    ['text/plain;charset=UTF-8'],
    ['application/json; charset=utf-8'],
    ['application/x-www-form-urlencoded'],
  ])('parses JSON sent as %s', async (contentType) => {
    fixture = await buildIngestApp()
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { authorization: basicAuth(WRITE_KEY), 'content-type': contentType },
      payload: JSON.stringify(bodies.track),
    })
    expect(response.statusCode).toBe(200)
    expect(fixture.events()[0].properties).toEqual({ revenue: 12.5 })
  })

  it('parses JSON sent without a content type', async () => {
    fixture = await buildIngestApp()
    const payload = Buffer.from(JSON.stringify({ ...bodies.track, writeKey: WRITE_KEY }))
    const response = await fixture.app.inject({ method: 'POST', url: '/v1/track', payload })
    expect(response.statusCode).toBe(200)
    expect(fixture.events()).toHaveLength(1)
  })

  it('decodes gzip bodies', async () => {
    fixture = await buildIngestApp()
    const batch = Array.from({ length: 50 }, (_, i) => ({
      ...bodies.track,
      type: 'track',
      messageId: `m-${i}`,
    }))
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { ...auth, 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify({ batch })),
    })
    expect(response.statusCode).toBe(200)
    expect(fixture.events().map((e) => e.messageId)).toEqual(batch.map((e) => e.messageId))
  })

  it('parses bodies whose non-ASCII text is \\u-escaped (ensure_ascii clients)', async () => {
    fixture = await buildIngestApp()
    const payload =
      '{"event":"Caf\\u00e9 \\u201cvisited\\u201d","userId":"u\\u00fc","properties":{"name":"\\u005f_x"}}'
    const response = await fixture.app.inject({ method: 'POST', url: '/v1/track', headers: auth, payload })
    expect(response.statusCode).toBe(200)
    const [event] = fixture.events()
    expect(event).toMatchObject({ event: 'Café “visited”', userId: 'uü', properties: { name: '__x' } })
  })

  it('ignores a UTF-8 byte order mark', async () => {
    fixture = await buildIngestApp()
    const payload = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(JSON.stringify(bodies.identify)),
    ])
    const response = await fixture.app.inject({ method: 'POST', url: '/v1/identify', headers: auth, payload })
    expect(response.statusCode).toBe(200)
  })
})

describe('ingest: event contents', () => {
  it('keeps every Segment field and unknown keys', async () => {
    fixture = await buildIngestApp()
    const sent = {
      ...bodies.track,
      messageId: 'msg-1',
      timestamp: '2026-01-02T03:04:05.678Z',
      channel: 'server',
      version: 2,
      _metadata: { bundled: ['Segment.io'], unbundled: [] },
      context: { library: { name: 'analytics-node', version: '3.1.0' }, ip: '1.2.3.4' },
      integrations: { All: true, Iterable: { foo: 1 } },
      someUnknownKey: { nested: [1, 'two'] },
    }
    await fixture.app.inject({ method: 'POST', url: '/v1/track', headers: auth, payload: sent })
    const [event] = fixture.events()
    expect(event).toMatchObject({ ...sent, type: 'track', receivedAt: FIXED_NOW.toISOString() })
  })

  it('fills messageId, receivedAt and timestamp', async () => {
    fixture = await buildIngestApp()
    await fixture.app.inject({ method: 'POST', url: '/v1/identify', headers: auth, payload: bodies.identify })
    const [event] = fixture.events()
    expect(event.messageId).toMatch(UUID)
    expect(event.receivedAt).toBe(FIXED_NOW.toISOString())
    expect(event.timestamp).toBe(FIXED_NOW.toISOString())
    expect(fixture.calls[0].receivedAt).toEqual(FIXED_NOW)
  })

  it('corrects the clock skew of a timestamp from sentAt and originalTimestamp', async () => {
    fixture = await buildIngestApp()
    // The device clock is 10 s ahead; the event happened 2 s before it was sent.
    await fixture.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: auth,
      payload: {
        sentAt: new Date(FIXED_NOW.getTime() + 10_000).toISOString(),
        batch: [
          {
            ...bodies.track,
            type: 'track',
            originalTimestamp: new Date(FIXED_NOW.getTime() + 8_000).toISOString(),
          },
        ],
      },
    })
    const [event] = fixture.events()
    expect(new Date(event.timestamp as string).getTime()).toBe(FIXED_NOW.getTime() - 2_000)
  })

  it('merges batch context and integrations into each event, the event winning, and applies sentAt', async () => {
    fixture = await buildIngestApp()
    await fixture.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: auth,
      payload: {
        context: { ip: '10.0.0.1', locale: 'en-US' },
        integrations: { All: false, Iterable: true },
        sentAt: '2026-03-04T05:06:00.000Z',
        batch: [
          { ...bodies.track, type: 'track', context: { ip: '192.168.1.1' }, integrations: { All: true } },
          { ...bodies.identify, type: 'identify', sentAt: '2026-03-04T05:05:00.000Z' },
        ],
      },
    })
    const [first, second] = fixture.events()
    expect(first.context).toEqual({ ip: '192.168.1.1', locale: 'en-US' })
    expect(first.integrations).toEqual({ All: true, Iterable: true })
    expect(first.sentAt).toBe('2026-03-04T05:06:00.000Z')
    expect(second.context).toEqual({ ip: '10.0.0.1', locale: 'en-US' })
    expect(second.integrations).toEqual({ All: false, Iterable: true })
    expect(second.sentAt).toBe('2026-03-04T05:05:00.000Z')
  })

  it('does not mutate what it parsed: batch defaults are copied per event', async () => {
    fixture = await buildIngestApp()
    await fixture.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: auth,
      payload: {
        context: { ip: '10.0.0.1' },
        batch: [
          { ...bodies.track, type: 'track' },
          { ...bodies.identify, type: 'identify' },
        ],
      },
    })
    const [first, second] = fixture.events()
    expect(first.context).toEqual(second.context)
    expect(first.context).not.toBe(second.context)
  })
})

describe('ingest: batches with invalid events', () => {
  it('keeps the valid events and lists the rejected ones', async () => {
    fixture = await buildIngestApp()
    const big = { ...bodies.track, type: 'track', messageId: 'big', properties: { blob: 'x'.repeat(40_000) } }
    const batch = [
      { ...bodies.track, type: 'track', messageId: 'ok-1' },
      { type: 'track', userId: 'u1', messageId: 'no-event' },
      big,
      'not an event',
      { ...bodies.identify, type: 'identify' },
      { ...bodies.identify, type: 'purchase', messageId: 'bad-type' },
    ]
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: auth,
      payload: { batch },
    })
    expect(response.statusCode).toBe(200)
    const body = response.json<{
      success: boolean
      rejected: { index: number; messageId: string | null; error: string }[]
    }>()
    expect(body.success).toBe(true)
    expect(body.rejected.map(({ index, messageId }) => ({ index, messageId }))).toEqual([
      { index: 1, messageId: 'no-event' },
      { index: 2, messageId: 'big' },
      { index: 3, messageId: null },
      { index: 5, messageId: 'bad-type' },
    ])
    for (const rejection of body.rejected)
      expect(Object.keys(rejection).sort()).toEqual(['error', 'index', 'messageId'])
    expect(body.rejected[0].error).toMatch(/event/)
    expect(body.rejected[1].error).toMatch(/^event is \d+ bytes, over the limit of 32768 bytes \(32 KB\)/)
    expect(body.rejected[3].error).toMatch(/type/)
    const events = fixture.events()
    expect(events.map((e) => e.type)).toEqual(['track', 'identify'])
    expect(events[0].messageId).toBe('ok-1')
  })

  it('hands the sink each accepted event’s raw JSON size', async () => {
    fixture = await buildIngestApp()
    const batch = [
      { ...bodies.track, type: 'track', properties: { text: 'héllo “quotes” \\ "escaped"' } },
      { ...bodies.identify, type: 'identify' },
    ]
    await fixture.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: auth,
      payload: JSON.stringify({ batch }),
    })
    expect(fixture.calls[0].info.sizes).toEqual(batch.map((e) => Buffer.byteLength(JSON.stringify(e))))
  })
})

describe('ingest: CORS', () => {
  it('answers preflight requests', async () => {
    fixture = await buildIngestApp()
    const response = await fixture.app.inject({
      method: 'OPTIONS',
      url: '/v1/batch',
      headers: {
        origin: 'https://shop.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization, x-custom-thing',
      },
    })
    expect(response.statusCode).toBe(204)
    expect(response.headers['access-control-allow-origin']).toBe('https://shop.example.com')
    expect(response.headers['access-control-allow-credentials']).toBe('true')
    expect(response.headers['access-control-allow-methods']).toContain('POST')
    const allowed = String(response.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/)
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-custom-thing']))
    expect(response.headers.vary).toContain('Origin')
  })

  it('answers preflights on the short routes', async () => {
    fixture = await buildIngestApp()
    const response = await fixture.app.inject({
      method: 'OPTIONS',
      url: '/v1/t',
      headers: { origin: 'http://localhost:3000' },
    })
    expect(response.statusCode).toBe(204)
    expect(response.headers['access-control-allow-origin']).toBe('http://localhost:3000')
  })

  it('echoes the origin on successes and on errors', async () => {
    fixture = await buildIngestApp()
    const origin = 'https://shop.example.com'
    const ok = await fixture.app.inject({
      method: 'POST',
      url: '/v1/page',
      headers: { origin, 'content-type': 'text/plain' },
      payload: JSON.stringify({ ...bodies.page, writeKey: WRITE_KEY }),
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.headers['access-control-allow-origin']).toBe(origin)
    expect(ok.headers['access-control-allow-credentials']).toBe('true')
    const bad = await fixture.app.inject({
      method: 'POST',
      url: '/v1/page',
      headers: { origin, 'content-type': 'text/plain' },
      payload: '{oops',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['access-control-allow-origin']).toBe(origin)
  })
})

describe('ingest: acknowledgement after commit', () => {
  it('answers only after the sink resolves', async () => {
    let release!: () => void
    const committed = new Promise<void>((resolve) => (release = resolve))
    let answered = false
    fixture = await buildIngestApp({ accept: () => committed.then(() => ({})) })
    const pending = fixture.app
      .inject({ method: 'POST', url: '/v1/track', headers: auth, payload: bodies.track })
      .then((response) => {
        answered = true
        return response
      })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(answered).toBe(false)
    release()
    const response = await pending
    expect(answered).toBe(true)
    expect(response.statusCode).toBe(200)
  })

  it('answers 503 with a generic message when the sink fails', async () => {
    fixture = await buildIngestApp({
      accept: async () => {
        throw new Error('SQLITE_FULL: database or disk is full at /secret/path')
      },
    })
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: auth,
      payload: { batch: [{ ...bodies.track, type: 'track' }] },
    })
    expect(response.statusCode).toBe(503)
    const body = response.json<{ success: boolean; code: string; error: string }>()
    expect(body).toMatchObject({ success: false, code: 'unavailable' })
    expect(body.error).toMatch(/retry later/)
    expect(response.body).not.toContain('SQLITE')
    expect(response.body).not.toContain('/secret/path')
  })

  it('answers 503 when the write key lookup fails', async () => {
    fixture = await buildIngestApp({
      resolveWriteKey: async () => {
        throw new Error('store closed')
      },
    })
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: auth,
      payload: bodies.track,
    })
    expect(response.statusCode).toBe(503)
    expect(response.body).not.toContain('store closed')
  })

  it('does not touch other routes of the app', async () => {
    fixture = await buildIngestApp({}, (app) =>
      app.post('/other', async (request) => ({ got: request.body })),
    )
    const response = await fixture.app.inject({ method: 'POST', url: '/other', payload: { a: 1 } })
    expect(response.json()).toEqual({ got: { a: 1 } })
  })
})
