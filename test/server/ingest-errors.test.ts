// Malformed requests: each gets its specific 4xx, code and message; the sink never sees them and
// the service keeps serving afterwards.
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IngestFixture } from './ingest-helpers.js'
import { REVOKED_KEY, WRITE_KEY, basicAuth, buildIngestApp } from './ingest-helpers.js'

interface BadRequest {
  name: string
  url: string
  payload?: string | Buffer
  headers?: Record<string, string>
  status: number
  code: string
  message: RegExp[]
}

const auth = { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' }
const json = (value: unknown): string => JSON.stringify(value)
const track = { type: 'track', event: 'Clicked', userId: 'u1', properties: { a: 1 } }

const cases: BadRequest[] = [
  {
    name: 'bad JSON',
    url: '/v1/track',
    payload: '{"event": "Clicked", "userId": ',
    headers: auth,
    status: 400,
    code: 'invalid_json',
    message: [/^invalid JSON: /],
  },
  {
    name: 'bad JSON sent as text/plain',
    url: '/v1/batch',
    payload: '{"batch": [}',
    headers: { 'content-type': 'text/plain' },
    status: 400,
    code: 'invalid_json',
    message: [/^invalid JSON: /],
  },
  {
    name: 'empty body',
    url: '/v1/track',
    payload: '',
    headers: auth,
    status: 400,
    code: 'empty_body',
    message: [/request body is empty/, /track event/],
  },
  {
    name: 'body is an array',
    url: '/v1/identify',
    payload: json([{ userId: 'u1' }]),
    headers: auth,
    status: 400,
    code: 'not_an_object',
    message: [/must be a JSON object/, /got an array/],
  },
  {
    name: 'properties as an array',
    url: '/v1/track',
    payload: json({ ...track, properties: [1, 2] }),
    headers: auth,
    status: 400,
    code: 'invalid_event',
    message: [/^"properties" must be an object, got array$/],
  },
  {
    name: 'track without event',
    url: '/v1/track',
    payload: json({ userId: 'u1' }),
    headers: auth,
    status: 400,
    code: 'invalid_event',
    message: [/^track event needs a non-empty "event" string$/],
  },
  {
    name: 'neither userId nor anonymousId',
    url: '/v1/identify',
    payload: json({ traits: { email: 'a@b.co' } }),
    headers: auth,
    status: 400,
    code: 'invalid_event',
    message: [/^identify event needs "userId" or "anonymousId"$/],
  },
  {
    name: 'bad timestamp',
    url: '/v1/track',
    payload: json({ ...track, timestamp: 'yesterday at noon' }),
    headers: auth,
    status: 400,
    code: 'invalid_event',
    message: [/^"timestamp" is not an ISO-8601 date: "yesterday at noon"$/],
  },
  {
    name: 'conflicting type',
    url: '/v1/track',
    payload: json({ ...track, type: 'identify' }),
    headers: auth,
    status: 400,
    code: 'type_mismatch',
    message: [/"identify"/, /\/v1\/track/, /"track"/],
  },
  {
    name: 'conflicting type on a short route',
    url: '/v1/p',
    payload: json({ ...track }),
    headers: auth,
    status: 400,
    code: 'type_mismatch',
    message: [/"track"/, /\/v1\/p\b/, /"page"/],
  },
  {
    name: 'oversize event on a single-event route',
    url: '/v1/track',
    payload: json({ ...track, properties: { blob: 'x'.repeat(33 * 1024) } }),
    headers: auth,
    status: 400,
    code: 'event_too_large',
    message: [/event is \d+ bytes/, /over the limit of 32768 bytes \(32 KB\)/],
  },
  {
    name: 'oversize request',
    url: '/v1/batch',
    payload: json({
      batch: Array.from({ length: 40 }, () => ({ ...track, properties: { blob: 'y'.repeat(15_000) } })),
    }),
    headers: auth,
    status: 413,
    code: 'request_too_large',
    message: [/over the limit of 512000 bytes \(500 KB\)/, /of \d+ bytes/],
  },
  {
    name: 'gzip body over the limit once decoded',
    url: '/v1/batch',
    payload: gzipSync(
      Buffer.from(json({ batch: [{ ...track, properties: { blob: 'z'.repeat(2_000_000) } }] })),
    ),
    headers: { ...auth, 'content-encoding': 'gzip' },
    status: 413,
    code: 'request_too_large',
    // The limit applies to the decoded bytes; the compressed size sent says nothing about them.
    message: [/^request body decodes to more than the limit of 512000 bytes/, /applies to the decoded body/],
  },
  {
    name: 'corrupt gzip body',
    url: '/v1/batch',
    payload: Buffer.from('this is not gzip at all'),
    headers: { ...auth, 'content-encoding': 'gzip' },
    status: 400,
    code: 'invalid_encoding',
    message: [/could not be decoded/],
  },
  {
    name: 'unsupported content encoding',
    url: '/v1/batch',
    payload: Buffer.from('whatever'),
    headers: { ...auth, 'content-encoding': 'compress' },
    status: 415,
    code: 'unsupported_encoding',
    message: [/Content-Encoding "compress"/, /gzip/],
  },
  {
    name: 'malformed Content-Type header',
    url: '/v1/track',
    payload: json(track),
    headers: { ...auth, 'content-type': 'text/' },
    status: 415,
    code: 'unsupported_media_type',
    message: [/invalid Content-Type header/],
  },
  {
    name: 'body length differs from its Content-Length',
    url: '/v1/track',
    payload: json(track),
    headers: { ...auth, 'content-length': '5' },
    status: 400,
    code: 'invalid_content_length',
    message: [/does not match its Content-Length/],
  },
  {
    name: 'missing write key',
    url: '/v1/track',
    payload: json(track),
    headers: { 'content-type': 'application/json' },
    status: 401,
    code: 'missing_write_key',
    message: [/missing write key/, /HTTP Basic/, /"writeKey"/],
  },
  {
    name: 'Bearer authorization is not a write key',
    url: '/v1/track',
    payload: json(track),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${WRITE_KEY}` },
    status: 401,
    code: 'missing_write_key',
    message: [/HTTP Basic/],
  },
  {
    name: 'wrong write key (Basic)',
    url: '/v1/track',
    payload: json(track),
    headers: { 'content-type': 'application/json', authorization: basicAuth('wk_wrong_secret') },
    status: 401,
    code: 'invalid_write_key',
    message: [/^invalid write key$/],
  },
  {
    name: 'revoked write key (body)',
    url: '/v1/batch',
    payload: json({ batch: [track], writeKey: REVOKED_KEY }),
    headers: { 'content-type': 'text/plain' },
    status: 401,
    code: 'invalid_write_key',
    message: [/^invalid write key$/],
  },
  {
    name: 'missing batch',
    url: '/v1/batch',
    payload: json({ events: [track] }),
    headers: auth,
    status: 400,
    code: 'invalid_batch',
    message: [/missing "batch"/],
  },
  {
    name: 'batch not an array',
    url: '/v1/batch',
    payload: json({ batch: { 0: track } }),
    headers: auth,
    status: 400,
    code: 'invalid_batch',
    message: [/"batch" must be an array/, /got an object/],
  },
  {
    name: 'empty batch',
    url: '/v1/import',
    payload: json({ batch: [] }),
    headers: auth,
    status: 400,
    code: 'empty_batch',
    message: [/"batch" is empty/],
  },
  {
    name: 'batch context not an object',
    url: '/v1/batch',
    payload: json({ batch: [track], context: 'web' }),
    headers: auth,
    status: 400,
    code: 'invalid_batch',
    message: [/context must be an object/],
  },
  {
    name: 'batch whose every event is invalid',
    url: '/v1/batch',
    payload: json({ batch: [{ type: 'track', userId: 'u1' }, 42] }),
    headers: auth,
    status: 400,
    code: 'all_events_rejected',
    message: [/every event of the batch was rejected \(2\)/],
  },
  {
    name: '__proto__ key',
    url: '/v1/track',
    payload: '{"event":"x","userId":"u","properties":{"__proto__":{"polluted":true}}}',
    headers: auth,
    status: 400,
    code: 'forbidden_key',
    message: [/__proto__/],
  },
  {
    name: '__proto__ key spelled with an escaped p',
    url: '/v1/batch',
    payload:
      '{"batch":[{"type":"track","event":"x","userId":"u","properties":{"__\\u0070roto__":{"polluted":true}}}]}',
    headers: auth,
    status: 400,
    code: 'forbidden_key',
    message: [/__proto__/],
  },
  {
    name: 'escaped __proto__ key',
    url: '/v1/track',
    payload: '{"event":"x","userId":"u","properties":{"\\u005f_proto__":{"polluted":true}}}',
    headers: auth,
    status: 400,
    code: 'forbidden_key',
    message: [/__proto__/],
  },
]

describe('ingest: malformed requests', () => {
  let fixture: IngestFixture
  beforeAll(async () => {
    fixture = await buildIngestApp({
      resolveWriteKey: (key) => (key === WRITE_KEY ? { sourceId: 'src' } : key === REVOKED_KEY ? null : null),
    })
  })
  afterAll(() => fixture.app.close())

  it.each(cases)('$name → $status $code', async (bad) => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: bad.url,
      headers: bad.headers,
      payload: bad.payload,
    })
    expect(response.statusCode).toBe(bad.status)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    const body = response.json<{ success: boolean; code: string; error: string }>()
    expect(body.success).toBe(false)
    expect(body.code).toBe(bad.code)
    for (const pattern of bad.message) expect(body.error).toMatch(pattern)
    // A write key is never echoed back.
    expect(response.body).not.toContain('wk_wrong_secret')
    expect(response.body).not.toContain(REVOKED_KEY)
    if (bad.status === 401) expect(response.headers['www-authenticate']).toMatch(/^Basic/)
    expect(fixture.calls).toHaveLength(0)
  })

  it('lists the rejected events when a whole batch is refused', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: auth,
      payload: json({ batch: [{ type: 'track', userId: 'u1', messageId: 'm-1' }, 'nope'] }),
    })
    expect(response.statusCode).toBe(400)
    const body = response.json<{ rejected: { index: number; messageId: string | null; error: string }[] }>()
    expect(body.rejected.map((r) => [r.index, r.messageId])).toEqual([
      [0, 'm-1'],
      [1, null],
    ])
    expect(body.rejected[1].error).toMatch(/must be a JSON object, got a string/)
  })

  it('keeps serving after every malformed request', async () => {
    for (const bad of cases) {
      await fixture.app.inject({ method: 'POST', url: bad.url, headers: bad.headers, payload: bad.payload })
    }
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: auth,
      payload: json(track),
    })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ success: true })
    expect(fixture.calls).toHaveLength(1)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
