// The live-events, event-volume and trigger-filtered recent-events routes over real HTTP on a real
// SQLite store: the stream needs the admin token (a header, never the URL), filters on the server,
// and each frame is a summary that links to the lookup; volume counts by source and event name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventVolume } from '../../src/server/admin/event-volume.js'
import { createServer } from '../../src/server/app.js'
import { createMetrics } from '../../src/server/metrics.js'
import { createAdminHarness, TOKEN, waitFor, WRITE_KEY, type AdminHarness } from './admin-helpers.js'

let h: AdminHarness
let base: string

beforeAll(async () => {
  h = await createAdminHarness()
  base = await h.app.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => h.close())

/** Reads server-sent events from a fetch body into `frames` until aborted. */
async function openStream(query: string): Promise<{
  frames: Array<{ name: string; data: Record<string, unknown> }>
  close: () => void
}> {
  const abort = new AbortController()
  const response = await fetch(`${base}/api/admin/live-events${query}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
    signal: abort.signal,
  })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toContain('text/event-stream')
  const frames: Array<{ name: string; data: Record<string, unknown> }> = []
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        buffer += value
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const name = /^event: (.*)$/m.exec(block)?.[1]
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (name !== undefined && data !== undefined) frames.push({ name, data: JSON.parse(data) })
        }
      }
    } catch {
      // aborted
    }
  })()
  await waitFor(() => frames.some((f) => f.name === 'ready'))
  return { frames, close: () => abort.abort() }
}

async function send(path: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${base}/v1/${path}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
}

describe('GET /api/admin/live-events', () => {
  it('needs the admin token', async () => {
    const response = await fetch(`${base}/api/admin/live-events`)
    expect(response.status).toBe(401)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
  })

  it('refuses an unknown type with a 400 naming the parameter', async () => {
    const response = await h.api('GET', '/api/admin/live-events?type=purchase')
    expect(response.status).toBe(400)
    expect(response.json.error?.path).toContain('type')
  })

  it('streams new events that pass the filter, as summaries', async () => {
    const sourceId = (await h.store.listSources())[0].id
    const everything = await openStream('')
    const filtered = await openStream(`?source=${sourceId}&type=track&event=order`)
    await send('track', { userId: 'live-1', event: 'Product Viewed', messageId: 'live-m1' })
    await send('identify', { userId: 'live-1', traits: { email: 'l@example.com' }, messageId: 'live-m2' })
    await send('track', { userId: 'live-1', event: 'Order Completed', messageId: 'live-m3' })
    await send('page', { userId: 'live-1', name: 'Home', messageId: 'live-m4' })
    await waitFor(() => everything.frames.filter((f) => f.name === 'event').length === 4)
    const all = everything.frames.filter((f) => f.name === 'event').map((f) => f.data)
    expect(all.map((e) => [e.messageId, e.type, e.name])).toEqual([
      ['live-m1', 'track', 'Product Viewed'],
      ['live-m2', 'identify', null],
      ['live-m3', 'track', 'Order Completed'],
      ['live-m4', 'page', 'Home'],
    ])
    expect(all[0]).toMatchObject({ sourceId, userId: 'live-1' })
    expect(typeof all[0].id).toBe('number')
    // The body is not streamed: the row links to the lookup for it.
    expect(all[1]).not.toHaveProperty('traits')
    await waitFor(() => filtered.frames.some((f) => f.name === 'event'))
    expect(filtered.frames.filter((f) => f.name === 'event').map((f) => f.data.messageId)).toEqual([
      'live-m3',
    ])
    everything.close()
    filtered.close()
  })
})

describe('GET /api/admin/event-volume', () => {
  it('counts the last hour by source and by event name', async () => {
    const other = await h.store.createSource({ name: 'ios app', writeKey: 'wk_other_source_1234' })
    const sourceId = (await h.store.listSources()).find((s) => s.name === 'web')!.id
    const before = (await h.api('GET', '/api/admin/event-volume')).json as {
      total: number
      bySource: Array<{ sourceId: string; count: number }>
    }
    const ids = ['v1', 'v2', 'v3']
    for (const messageId of ids) await send('track', { userId: 'vol', event: 'Volume Test', messageId })
    const response = await fetch(`${base}/v1/track`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('wk_other_source_1234:').toString('base64')}` },
      body: JSON.stringify({ userId: 'vol', event: 'Volume Test', messageId: 'v4' }),
    })
    expect(response.status).toBe(200)
    const { status, json } = await h.api('GET', '/api/admin/event-volume?minutes=60')
    expect(status).toBe(200)
    const volume = json as unknown as Awaited<ReturnType<typeof eventVolume>>
    expect(volume.total).toBe(before.total + 4)
    expect(volume.estimated).toBe(false)
    const countOf = (id: string, list: Array<{ sourceId: string; count: number }>) =>
      list.find((s) => s.sourceId === id)?.count ?? 0
    expect(countOf(sourceId, volume.bySource)).toBe(countOf(sourceId, before.bySource) + 3)
    expect(volume.bySource.find((s) => s.sourceId === other.id)).toEqual({
      sourceId: other.id,
      name: 'ios app',
      count: 1,
    })
    expect(volume.byEvent).toContainEqual({ type: 'track', name: 'Volume Test', count: 4 })
  })

  it('samples a range too large to read, and scales the counts', async () => {
    const now = Date.now()
    // 3000 events, every third one "A", the others "B", and a bound of 1000 read.
    for (let round = 0; round < 10; round++) {
      const events = Array.from({ length: 300 }, (_, i) => {
        const messageId = `s${round * 300 + i}`
        const body = JSON.stringify({ type: 'track', event: i % 3 === 0 ? 'A' : 'B', messageId })
        return { messageId, body, size: body.length }
      })
      await h.store.ingest({ sourceId: 'sampled', receivedAt: now, revision: 0, events })
    }
    const volume = await eventVolume(h.store, 60, now + 1, 1000)
    expect(volume.estimated).toBe(true)
    expect(volume.scanned).toBeLessThanOrEqual(1000)
    const sampled = volume.bySource.find((s) => s.sourceId === 'sampled')!.count
    expect(Math.abs(sampled - 3000) / 3000).toBeLessThan(0.15)
    const a = volume.byEvent.find((e) => e.name === 'A')!.count
    const b = volume.byEvent.find((e) => e.name === 'B')!.count
    expect(b / a).toBeGreaterThan(1.5)
    expect(b / a).toBeLessThan(2.5)
  })
})

describe('GET /api/admin/recent-events?trigger=', () => {
  it('returns the newest events the trigger matches, or none, and refuses a broken trigger', async () => {
    await send('identify', { userId: 'sample-user', traits: { plan: 'gold' }, messageId: 'sample-identify' })
    await send('track', { userId: 'sample-user', event: 'Something Else', messageId: 'sample-track' })
    const identify = await h.api(
      'GET',
      `/api/admin/recent-events?limit=1&trigger=${encodeURIComponent('type = "identify"')}`,
    )
    expect(identify.status).toBe(200)
    const items = identify.json.items as Array<{ messageId: string; event: { type: string } }>
    expect(items.map((i) => i.messageId)).toEqual(['sample-identify'])
    const none = await h.api(
      'GET',
      `/api/admin/recent-events?trigger=${encodeURIComponent('event = "Never Sent"')}`,
    )
    expect(none.json.items).toEqual([])
    const broken = await h.api('GET', `/api/admin/recent-events?trigger=${encodeURIComponent('type =')}`)
    expect(broken.status).toBe(400)
    expect(broken.json.error).toMatchObject({ code: 'trigger_syntax', path: 'querystring.trigger' })
  })
})

describe('shutdown with a live stream open', () => {
  it('ends the stream so the server closes instead of waiting for the client', async () => {
    const other = await createAdminHarness()
    const url = await other.app.listen({ port: 0, host: '127.0.0.1' })
    const response = await fetch(`${url}/api/admin/live-events`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    const reader = response.body!.getReader()
    await reader.read() // the ready frame
    await other.close()
    // The server ended the body: the reader reaches its end (or the connection closed under it).
    const end = await reader.read().then(
      (r) => r.done,
      () => true,
    )
    expect(end).toBe(true)
  })
})

describe('a log that cannot be read', () => {
  it('says so in the stream (an error frame with a code) and ends it', async () => {
    const broken = new Proxy(h.store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown
        if (key === 'logHead') return () => Promise.reject(new Error('disk gone'))
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
      },
    })
    const app = await createServer({
      store: broken,
      delivery: h.delivery,
      adminToken: TOKEN,
      metrics: createMetrics(broken, { defaultMetrics: false }),
    })
    try {
      const response = await app.inject({
        method: 'GET',
        url: '/api/admin/live-events',
        headers: { authorization: `Bearer ${TOKEN}` },
      })
      expect(response.statusCode).toBe(200)
      expect(response.body).toMatch(/^event: error\ndata: \{"code":"store_unavailable"/)
      expect(response.body).not.toContain('disk gone')
    } finally {
      await app.close()
    }
  })
})
