// Hostile JSON on the ingest routes (issue 14): nesting deeper than the limit is a 400 that names the
// limit on every route (it used to overflow the stack when stored: a 503 that SDKs retry forever), a
// number that overflows to Infinity (`1e400`, which used to be stored and sent as null) is refused
// and located, and a batch answer lists at most 100 rejections with their total count, so that it is
// never larger than its request.
import { randomBytes } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { SINGLE_EVENT_ROUTES } from '../../src/server/ingest/index.js'
import type { IngestFixture } from './ingest-helpers.js'
import { WRITE_KEY, basicAuth, buildIngestApp } from './ingest-helpers.js'

const auth = { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' }

/** `levels` arrays inside one another: the value is nested that deep (an array is one level). */
const nested = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels)

const EVENT_OF: Record<string, Record<string, unknown>> = {
  track: { event: 'Deep', userId: 'u1' },
  identify: { userId: 'u1' },
  page: { userId: 'u1' },
  screen: { userId: 'u1' },
  group: { userId: 'u1', groupId: 'g1' },
  alias: { userId: 'u1', previousId: 'a1' },
}

/** An event whose `properties.x` holds `levels` nested arrays: the event nests levels + 2 deep. */
function deepEvent(type: string, levels: number): string {
  const fields = JSON.stringify({ ...EVENT_OF[type], type }).slice(1, -1)
  return `{${fields},"properties":{"x":${nested(levels)}}}`
}

let fixture: IngestFixture
afterEach(async () => {
  await fixture?.app.close()
})

async function post(url: string, payload: string | Buffer, headers: Record<string, string> = auth) {
  const response = await fixture.app.inject({ method: 'POST', url, headers, payload })
  return {
    status: response.statusCode,
    body: response.json<Record<string, unknown>>(),
    size: response.body.length,
  }
}

describe('ingest: JSON nested deeper than the limit (default 64 levels)', () => {
  it.each(SINGLE_EVENT_ROUTES.map(([path, type]) => ({ path, type })))(
    '$path accepts 64 levels and refuses 65 with a 400 that names the limit',
    async ({ path, type }) => {
      fixture = await buildIngestApp()
      expect((await post(path, deepEvent(type, 62))).status).toBe(200)
      const refused = await post(path, deepEvent(type, 63))
      expect(refused.status).toBe(400)
      expect(refused.body).toMatchObject({ success: false, code: 'too_deep' })
      expect(refused.body.error).toMatch(/^the event is nested deeper than the limit of 64 levels/)
      expect(fixture.calls).toHaveLength(1)
    },
  )

  it("refuses the issue's 16,000 levels in 32 KB with a 400, not a 503", async () => {
    fixture = await buildIngestApp()
    const body = deepEvent('track', 16_000)
    expect(body.length).toBeLessThan(32 * 1024)
    const refused = await post('/v1/track', body)
    expect(refused.status).toBe(400)
    expect(refused.body.code).toBe('too_deep')
    expect(fixture.calls).toHaveLength(0)
  })

  it.each([
    ['the per-event path', ''],
    // A "__proto__" value sends the body down the plain path (one JSON.parse of the whole body).
    ['the plain path', ',"note":"__proto__"'],
  ])('refuses a batch with one event too deep, naming the event, on %s', async (_name, extra) => {
    fixture = await buildIngestApp()
    const ok = JSON.stringify({ type: 'track', event: 'Fine', userId: 'u1' })
    const body = `{"batch":[${ok},${deepEvent('track', 5_000)}]${extra}}`
    const refused = await post('/v1/batch', body)
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ code: 'too_deep' })
    expect(refused.body.error).toMatch(/^event 1 of the batch is nested deeper than the limit of 64 levels/)
    const atLimit = `{"batch":[${ok},${deepEvent('track', 62)}]${extra}}`
    expect((await post('/v1/batch', atLimit)).status).toBe(200)
    expect(fixture.events()).toHaveLength(2)
  })

  it('counts the batch envelope as the events see it: its context is merged into each event', async () => {
    fixture = await buildIngestApp()
    const event = JSON.stringify({ type: 'track', event: 'E', userId: 'u1' })
    // context is level 2 of the envelope, as an event's own context is level 2 of the event.
    const deep = await post('/v1/batch', `{"context":{"x":${nested(63)}},"batch":[${event}]}`)
    expect(deep.status).toBe(400)
    expect(deep.body.error).toMatch(/^the batch envelope is nested deeper than the limit of 64 levels/)
    expect((await post('/v1/batch', `{"context":{"x":${nested(62)}},"batch":[${event}]}`)).status).toBe(200)
  })

  it('takes its limit from the options', async () => {
    fixture = await buildIngestApp({ limits: { maxJsonDepth: 5 } })
    expect((await post('/v1/track', deepEvent('track', 3))).status).toBe(200)
    const refused = await post('/v1/track', deepEvent('track', 4))
    expect(refused.body.error).toMatch(/limit of 5 levels/)
    const batch = await post('/v1/batch', `{"batch":[${deepEvent('track', 4)}]}`)
    expect(batch.body.error).toMatch(/^event 0 of the batch .* limit of 5 levels/)
  })
})

describe('ingest: numbers that overflow to Infinity', () => {
  it.each([
    ['/v1/track', '{"event":"Bought","userId":"u1","properties":{"price":1e400}}', 'properties.price'],
    ['/v1/identify', '{"userId":"u1","traits":{"score":-1E999}}', 'traits.score'],
    [
      '/v1/track',
      `{"event":"Bought","userId":"u1","properties":{"items":[{"n":1},{"n":${'9'.repeat(400)}}]}}`,
      'properties.items[1].n',
    ],
    ['/v1/track', '{"event":"Bought","userId":"u1","properties":{"odd key":1e400}}', 'properties["odd key"]'],
  ])('%s refuses an overflowing number at %#, with a 400 that says where', async (url, body, where) => {
    fixture = await buildIngestApp()
    const refused = await post(url, body)
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ code: 'invalid_event' })
    expect(refused.body.error).toBe(
      `"${where}" is a number too large to represent (it overflows to Infinity); send a smaller number or a string`,
    )
    expect(fixture.calls).toHaveLength(0)
  })

  it.each([
    ['the per-event path', ''],
    ['the plain path', ',"note":"__proto__"'],
  ])('rejects only the event that holds one in a batch, on %s', async (_name, extra) => {
    fixture = await buildIngestApp()
    const body =
      '{"batch":[{"type":"track","event":"A","userId":"u1","messageId":"m-ok","properties":{"big":1e300}},' +
      `{"type":"track","event":"B","userId":"u1","messageId":"m-inf","properties":{"price":1e400}}]${extra}}`
    const answer = await post('/v1/batch', body)
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({
      success: true,
      rejected: [
        {
          index: 1,
          messageId: 'm-inf',
          error:
            '"properties.price" is a number too large to represent (it overflows to Infinity); send a smaller number or a string',
        },
      ],
      rejectedCount: 1,
    })
    expect(fixture.events().map((e) => e.messageId)).toEqual(['m-ok'])
    expect((fixture.events()[0].properties as Record<string, unknown>).big).toBe(1e300)
  })

  it('refuses a batch whose envelope holds one (it would reach every event)', async () => {
    fixture = await buildIngestApp()
    const answer = await post(
      '/v1/batch',
      '{"context":{"screen":{"density":1e400}},"batch":[{"type":"track","event":"A","userId":"u1"}]}',
    )
    expect(answer.status).toBe(400)
    expect(answer.body).toMatchObject({ code: 'invalid_batch' })
    expect(answer.body.error).toMatch(
      /^"context\.screen\.density" is a number too large .* \(in the batch envelope\)$/,
    )
  })
})

describe('ingest: batch answers are never larger than their request', () => {
  it("answers the issue's 512 KB batch of {} with the first 100 rejections and their count", async () => {
    fixture = await buildIngestApp({ limits: { maxRequestBytes: 600 * 1024 } })
    const count = Math.floor((512 * 1024 - 20) / 3)
    const body = `{"batch":[${Array.from({ length: count }, () => '{}').join(',')}]}`
    expect(body.length).toBeGreaterThan(500 * 1024)
    const answer = await post('/v1/batch', body)
    expect(answer.status).toBe(400)
    expect(answer.body).toMatchObject({ code: 'all_events_rejected', rejectedCount: count })
    const rejected = answer.body.rejected as Array<{ index: number }>
    expect(rejected.map((r) => r.index)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    expect(answer.body.error).toBe(`every event of the batch was rejected (${count})`)
    // 48 times the request before; now a few kilobytes.
    expect(answer.size).toBeLessThan(body.length / 20)
  })

  it('lets other work run while it works through a batch of 170,000 events', async () => {
    fixture = await buildIngestApp()
    const count = Math.floor((512_000 - 12) / 3)
    const body = `{"batch":[${Array.from({ length: count }, () => '{}').join(',')}]}`
    // In one piece the batch held the event loop for most of the request: no timer ran meanwhile.
    // The longest stretch without a timer (parsing the body, about a third) must be less than half the
    // whole: a ratio, not a time, since the machine may be slow or busy.
    const started = performance.now()
    let last = started
    let longestGap = 0
    let ticks = 0
    const timer = setInterval(() => {
      const now = performance.now()
      longestGap = Math.max(longestGap, now - last)
      last = now
      ticks++
    }, 1)
    const answer = await post('/v1/batch', body)
    clearInterval(timer)
    const total = performance.now() - started
    longestGap = Math.max(longestGap, performance.now() - last)
    expect(answer.body).toMatchObject({ code: 'all_events_rejected', rejectedCount: count })
    expect(ticks).toBeGreaterThan(10)
    expect(longestGap).toBeLessThan(total / 2)
  })

  it('lists fewer rejections when their messages would make the answer larger than the request', async () => {
    fixture = await buildIngestApp()
    // 12-byte events whose rejection ("type" must be one of …) takes about 110 bytes each.
    const count = 300
    const body = `{"batch":[${Array.from({ length: count }, () => '{"type":"x"}').join(',')}]}`
    const answer = await post('/v1/batch', body)
    expect(answer.status).toBe(400)
    expect(answer.body).toMatchObject({ code: 'all_events_rejected', rejectedCount: count })
    const rejected = answer.body.rejected as Array<{ index: number; error: string }>
    expect(rejected[0].error).toMatch(/^"type" must be one of /)
    // The first ones, in order, as many as fit: about 30 of the 100 the count alone would allow.
    expect(rejected.length).toBeGreaterThan(10)
    expect(rejected.length).toBeLessThan(100)
    expect(rejected.map((r) => r.index)).toEqual(Array.from({ length: rejected.length }, (_, i) => i))
    expect(answer.size).toBeLessThanOrEqual(body.length)
  })

  it('keeps the answer of a partly valid batch within its request too', async () => {
    fixture = await buildIngestApp()
    const body = `{"batch":[${Array.from({ length: 200 }, () => '{"type":"x"}').join(',')},{"type":"track","event":"E","userId":"u1"}]}`
    const answer = await post('/v1/batch', body)
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ success: true, rejectedCount: 200 })
    expect((answer.body.rejected as unknown[]).length).toBeGreaterThan(0)
    expect(answer.size).toBeLessThanOrEqual(body.length)
    expect(fixture.events()).toHaveLength(1)
  })

  it('lists the first 100 rejections of a partly valid batch and counts them all', async () => {
    fixture = await buildIngestApp()
    const batch = [
      // Events larger than their rejection: the first 100 fit in the answer.
      ...Array.from({ length: 150 }, (_, i) => ({
        type: 'track',
        userId: 'u1',
        messageId: `bad-${i}`,
        properties: { note: 'n'.repeat(100) },
      })),
      { type: 'track', event: 'Fine', userId: 'u1', messageId: 'good' },
    ]
    const answer = await post('/v1/batch', JSON.stringify({ batch }))
    expect(answer.status).toBe(200)
    expect(answer.body.rejectedCount).toBe(150)
    const rejected = answer.body.rejected as Array<{ messageId: string }>
    expect(rejected).toHaveLength(100)
    expect(rejected[99].messageId).toBe('bad-99')
    expect(fixture.events().map((e) => e.messageId)).toEqual(['good'])
  })
})

describe('ingest: the 413 of a compressed body', () => {
  it('speaks of the decoded size, not of the compressed bytes it was sent as', async () => {
    fixture = await buildIngestApp()
    // Random text barely compresses: the compressed body is over the limit too.
    const text = JSON.stringify({
      batch: [
        {
          type: 'track',
          event: 'E',
          userId: 'u',
          properties: { r: randomBytes(700_000).toString('base64') },
        },
      ],
    })
    const compressed = gzipSync(Buffer.from(text))
    expect(compressed.length).toBeGreaterThan(512_000)
    const answer = await post('/v1/batch', compressed, { ...auth, 'content-encoding': 'gzip' })
    expect(answer.status).toBe(413)
    expect(answer.body.error).toMatch(
      /^request body decodes to more than the limit of 512000 bytes \(500 KB\)/,
    )
    expect(answer.body.error).not.toContain(String(compressed.length))
  })
})
