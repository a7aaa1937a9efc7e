// Over a real socket: bodies without Content-Length (chunked), compressed bodies, and a server
// that keeps answering on the same keep-alive pool afterwards.
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { Pool } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IngestFixture } from './ingest-helpers.js'
import { WRITE_KEY, basicAuth, buildIngestApp } from './ingest-helpers.js'

let fixture: IngestFixture
let pool: Pool
const headers = { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' }

beforeAll(async () => {
  fixture = await buildIngestApp()
  await fixture.app.listen({ host: '127.0.0.1', port: 0 })
  const address = fixture.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  pool = new Pool(`http://127.0.0.1:${address.port}`, { connections: 2 })
})
afterAll(async () => {
  await pool.close()
  await fixture.app.close()
})

async function post(path: string, body: Buffer | Readable, extra: Record<string, string> = {}) {
  const response = await pool.request({ path, method: 'POST', headers: { ...headers, ...extra }, body })
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> }
}

function chunked(total: number): Readable {
  const head = Buffer.from('{"batch":[{"type":"track","event":"E","userId":"u","properties":{"s":"')
  const tail = Buffer.from('"}}]}')
  const filler = Buffer.alloc(16 * 1024, 'a')
  let remaining = total
  return Readable.from(
    (function* () {
      yield head
      while (remaining > 0) {
        const size = Math.min(remaining, filler.length)
        remaining -= size
        yield filler.subarray(0, size)
      }
      yield tail
    })(),
  )
}

describe('ingest over HTTP', () => {
  it('stops a chunked body at the request limit with a 413', async () => {
    const answer = await post('/v1/batch', chunked(800 * 1024))
    expect(answer.status).toBe(413)
    expect(answer.body).toMatchObject({ code: 'request_too_large' })
    expect(String(answer.body.error)).toMatch(/over the limit of 512000 bytes \(500 KB\)/)
  })

  it('accepts a chunked body under the limit', async () => {
    const answer = await post('/v1/batch', chunked(8 * 1024))
    expect(answer).toEqual({ status: 200, body: { success: true } })
  })

  it('decodes a gzip batch', async () => {
    const batch = Array.from({ length: 100 }, (_, i) => ({
      type: 'identify',
      userId: `u${i}`,
      traits: { i },
    }))
    const before = fixture.events().length
    const answer = await post('/v1/batch', gzipSync(JSON.stringify({ batch })), {
      'content-encoding': 'gzip',
    })
    expect(answer).toEqual({ status: 200, body: { success: true } })
    expect(
      fixture
        .events()
        .slice(before)
        .map((e) => e.userId),
    ).toEqual(batch.map((e) => e.userId))
  })

  it('keeps serving after oversize, corrupt and bad requests', async () => {
    await post('/v1/batch', chunked(2 * 1024 * 1024))
    await post('/v1/batch', Buffer.from('not gzip'), { 'content-encoding': 'gzip' })
    await post('/v1/track', Buffer.from('{"oops'))
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post('/v1/track', Buffer.from(JSON.stringify({ event: 'E', userId: `u${i}` }))),
      ),
    )
    expect(answers.every((a) => a.status === 200)).toBe(true)
  })
})
