import { afterEach, describe, expect, test } from 'vitest'
import { RateLimiter } from '../../src/sandbox/rate-limit.js'
import { testSandbox } from './helpers.js'
import type { TestSandbox } from './helpers.js'

let s: TestSandbox
afterEach(async () => s?.close())

const bulk = { users: [{ email: 'a@example.com' }] }

describe('rate limits (leaky bucket, one second of capacity)', () => {
  test('a burst over the limit gets 429 with the documented body and no rate headers', async () => {
    s = testSandbox({ rateLimits: true })
    const answers = await Promise.all(Array.from({ length: 8 }, () => s.post('/api/users/bulkUpdate', bulk)))
    const statuses = answers.map((a) => a.status)
    // 5 fit in the bucket (a 6th only if the test machine stalls for 200 ms).
    expect(statuses.filter((x) => x === 200).length).toBeGreaterThanOrEqual(5)
    expect(statuses.filter((x) => x === 429).length).toBeGreaterThanOrEqual(2)
    expect(statuses.every((x) => x === 200 || x === 429)).toBe(true)
    const limited = answers.find((a) => a.status === 429)!
    expect(limited.body).toEqual({ msg: 'Exceeded rate limit.', code: 'RateLimitExceeded' })
    expect(Object.keys(limited.headers).filter((h) => /rate|retry/i.test(h))).toEqual([])
  })

  test('a paced stream at the limit is never refused', async () => {
    s = testSandbox({ rateLimits: true })
    // trackBulk allows 10/s: 14 requests 110 ms apart (~9/s) over ~1.5 s.
    for (let i = 0; i < 14; i++) {
      const r = await s.post('/api/events/trackBulk', {
        events: [{ email: 'a@example.com', eventName: 'E' }],
      })
      expect(r.status, `request ${i}`).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, 110))
    }
  })

  test('limits are per project and per endpoint', async () => {
    s = testSandbox({
      rateLimits: true,
      projects: [
        { name: 'a', apiKeys: ['ka'] },
        { name: 'b', apiKeys: ['kb'] },
      ],
    })
    // 10 at once against a burst of 5 refilled at 5/s: at least one is refused unless the requests
    // took a second (sent one after another, a busy machine let the bucket refill between them).
    const statuses = async (key: string, n: number): Promise<number[]> =>
      (
        await Promise.all(Array.from({ length: n }, () => s!.post('/api/users/bulkUpdate', bulk, { key })))
      ).map((answer) => answer.status)
    const a = await statuses('ka', 10)
    expect(a.filter((status) => status === 429).length).toBeGreaterThanOrEqual(1)
    expect(a.filter((status) => status === 200).length).toBeGreaterThanOrEqual(5)
    // Project b has a bucket of its own, and so has another endpoint of project a.
    expect(await statuses('kb', 5)).toEqual([200, 200, 200, 200, 200])
    expect((await s.post('/api/users/update', { email: 'a@example.com' }, { key: 'ka' })).status).toBe(200)
  })

  test('switched off by option and at run time', async () => {
    s = testSandbox({ rateLimits: false })
    const answers = await Promise.all(Array.from({ length: 20 }, () => s.post('/api/users/bulkUpdate', bulk)))
    expect(answers.every((a) => a.status === 200)).toBe(true)
    await s.post('/_sandbox/rate-limits', { enabled: true }, { key: null })
    const again = await Promise.all(Array.from({ length: 8 }, () => s.post('/api/users/bulkUpdate', bulk)))
    expect(again.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(2)
  })

  test('the bucket drains continuously at the limit rate', () => {
    const limiter = new RateLimiter(true, {})
    for (let i = 0; i < 5; i++) expect(limiter.take('p', '/x', 5, 0)).toBe(true)
    expect(limiter.take('p', '/x', 5, 0)).toBe(false)
    expect(limiter.take('p', '/x', 5, 199)).toBe(false)
    expect(limiter.take('p', '/x', 5, 200)).toBe(true)
    // Idle for a long time: still only one second's worth of burst.
    let ok = 0
    for (let i = 0; i < 10; i++) if (limiter.take('p', '/x', 5, 60_000)) ok++
    expect(ok).toBe(5)
  })

  test('per-route overrides', async () => {
    s = testSandbox({ rateLimits: true, rateLimitOverrides: { '/api/users/update': 2 } })
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => s.post('/api/users/update', { email: 'a@example.com' })),
    )
    expect(answers.filter((a) => a.status === 429)).toHaveLength(2)
  })
})

test('GET and DELETE of the same documented path have separate buckets', async () => {
  s = testSandbox({ rateLimits: true, rateLimitOverrides: { 'GET /api/users/{email}': 1 } })
  expect((await s.get('/api/users/a@example.com')).status).toBe(200)
  expect((await s.get('/api/users/a@example.com')).status).toBe(429)
  expect((await s.del('/api/users/a@example.com')).status).toBe(200)
})
