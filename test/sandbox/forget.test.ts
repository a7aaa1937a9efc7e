// The sandbox's right-to-be-forgotten endpoints: forget removes the user and blocks re-creation
// until unforget; DELETE removes without blocking; 3/s and 1,000 a day per project.
import { afterEach, describe, expect, test } from 'vitest'
import { RateLimiter } from '../../src/sandbox/rate-limit.js'
import { testSandbox } from './helpers.js'
import type { TestSandbox } from './helpers.js'

let s: TestSandbox
afterEach(async () => s?.close())

describe('forget and unforget', () => {
  test('forget by userId removes every user with it and refuses re-creation until unforget (hybrid)', async () => {
    s = testSandbox({ projects: [{ type: 'hybrid' }] })
    await s.post('/api/users/update', {
      userId: 'ann-1',
      email: 'ann@example.com',
      dataFields: { plan: 'pro' },
    })
    await s.post('/api/events/track', { userId: 'ann-1', eventName: 'Clicked' })
    expect((await s.post('/api/users/forget', { userId: 'ann-1' })).body).toMatchObject({ code: 'Success' })
    expect((await s.get('/api/users/byUserId/ann-1')).body).toEqual({})
    const track = await s.post('/api/events/track', { userId: 'ann-1', eventName: 'Clicked' })
    expect(track).toMatchObject({ status: 409, body: { code: 'ForgottenUserError' } })
    const update = await s.post('/api/users/update', { userId: 'ann-1', dataFields: {} })
    expect(update.status).toBe(409)
    expect((await s.post('/api/users/unforget', { userId: 'ann-1' })).status).toBe(200)
    expect((await s.post('/api/users/update', { userId: 'ann-1', dataFields: {} })).status).toBe(200)
    // Unforget brings nothing back: the profile is a new one.
    expect((await s.get('/api/users/byUserId/ann-1')).body.user.dataFields.plan).toBeUndefined()
  })

  test('errors: no identifier, an invalid email, a userId-based project without userId', async () => {
    s = testSandbox({ projects: [{ type: 'userId' }] })
    expect((await s.post('/api/users/forget', {})).body).toMatchObject({ code: 'BadParams' })
    expect((await s.post('/api/users/forget', { email: 'nope' })).body).toMatchObject({
      code: 'InvalidEmailAddressError',
    })
    const byEmail = await s.post('/api/users/forget', { email: 'a@example.com' })
    expect(byEmail).toMatchObject({ status: 400, body: { code: 'BadParams' } })
    expect((await s.post('/api/users/forget', {}, { key: 'wrong' })).status).toBe(401)
  })

  test('DELETE removes the user without blocking later data', async () => {
    s = testSandbox({ projects: [{ type: 'hybrid' }] })
    await s.post('/api/users/update', { userId: 'bob', dataFields: { a: 1 } })
    expect((await s.del('/api/users/byUserId/bob')).status).toBe(200)
    expect((await s.get('/api/users/byUserId/bob')).body).toEqual({})
    expect((await s.del('/api/users/byUserId/bob')).body).toMatchObject({ code: 'BadParams' })
    expect((await s.post('/api/users/update', { userId: 'bob', dataFields: {} })).status).toBe(200)
  })
})

describe('forget limits', () => {
  test('3 a second per project: a burst of 6 gets 429s', async () => {
    s = testSandbox({ rateLimits: true })
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => s.post('/api/users/forget', { email: `u${i}@example.com` })),
    )
    const statuses = answers.map((a) => a.status)
    expect(statuses.filter((x) => x === 429).length).toBeGreaterThanOrEqual(2)
    expect(statuses.filter((x) => x === 200).length).toBeGreaterThanOrEqual(3)
  })

  test('1,000 a day per project (forget and unforget counted apart); the 1,001st is a 429', async () => {
    // Per-second limit raised so that the day's 1,000 go at once; the daily cap is the default.
    s = testSandbox({ rateLimits: true, rateLimitOverrides: { 'POST /api/users/forget': 100_000 } })
    for (let i = 0; i < 1000; i++) {
      const r = await s.post('/api/users/forget', { email: `u${i}@example.com` })
      if (r.status !== 200) throw new Error(`request ${i}: ${r.status}`)
    }
    const over = await s.post('/api/users/forget', { email: 'late@example.com' })
    expect(over).toMatchObject({ status: 429, body: { code: 'RateLimitExceeded' } })
    expect(over.body.msg).toContain('daily limit of 1000')
    expect((await s.post('/api/users/unforget', { email: 'u1@example.com' })).status).toBe(200)
  })

  test('the daily window slides: requests older than 24 hours no longer count', () => {
    const limiter = new RateLimiter(true, {}, { 'POST /api/users/forget': 2 })
    const t0 = 1_000_000_000
    expect(limiter.takeDaily('p', 'POST /api/users/forget', 1000, t0)).toBe(true)
    expect(limiter.takeDaily('p', 'POST /api/users/forget', 1000, t0 + 1000)).toBe(true)
    expect(limiter.takeDaily('p', 'POST /api/users/forget', 1000, t0 + 2000)).toBe(false)
    expect(limiter.takeDaily('other', 'POST /api/users/forget', 1000, t0 + 2000)).toBe(true)
    expect(limiter.takeDaily('p', 'POST /api/users/forget', 1000, t0 + 86_400_001)).toBe(true)
  })
})
