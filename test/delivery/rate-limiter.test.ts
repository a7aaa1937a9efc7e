// The per-endpoint budgets of a project's rate limiter, on a fake clock: Iterable's documented limits,
// no limit where none is documented, and the slow-down after a 429 with its recovery.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProjectRateLimiter } from '../../src/delivery/index.js'

const TRACK_BULK = '/api/events/trackBulk'
const PURCHASE = '/api/commerce/trackPurchase'

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00.000Z') })
})
afterEach(() => {
  vi.useRealTimers()
})

/** Starts `n` takes at once; returns how many were granted after each step of `stepMs`. */
async function grantsOver(
  limiter: ProjectRateLimiter,
  path: string,
  n: number,
  stepMs: number,
  steps: number,
) {
  let granted = 0
  for (let i = 0; i < n; i++) void limiter.take(path).then(() => granted++)
  const seen: number[] = []
  for (let s = 0; s < steps; s++) {
    await vi.advanceTimersByTimeAsync(stepMs)
    seen.push(granted)
  }
  return seen
}

describe('ProjectRateLimiter', () => {
  it('a documented limit: half a second of burst, then the documented pace', async () => {
    const limiter = new ProjectRateLimiter(true)
    const seen = await grantsOver(limiter, TRACK_BULK, 30, 1000, 3)
    // 5 at once (Iterable's bucket holds 10: room for requests that arrive bunched), then 10 per second
    expect(seen[0]).toBeGreaterThanOrEqual(14)
    expect(seen[0]).toBeLessThanOrEqual(15)
    expect(seen[1]).toBeGreaterThanOrEqual(24)
    expect(seen[1]).toBeLessThanOrEqual(25)
  })

  it('no documented limit: no wait at all', async () => {
    const limiter = new ProjectRateLimiter(true)
    let granted = 0
    for (let i = 0; i < 5000; i++) void limiter.take(PURCHASE).then(() => granted++)
    await vi.advanceTimersByTimeAsync(0)
    expect(granted).toBe(5000)
    expect(limiter.currentLimit(PURCHASE)).toBe(Infinity)
  })

  it('a 429 halves the pace below what provoked it and honours Retry-After', async () => {
    const limiter = new ProjectRateLimiter(true)
    for (let i = 0; i < 400; i++) await limiter.take(PURCHASE)
    limiter.throttled(PURCHASE, 2000)
    expect(limiter.currentLimit(PURCHASE)).toBe(200)
    const seen = await grantsOver(limiter, PURCHASE, 1000, 500, 6)
    // nothing during Retry-After
    expect(seen[0]).toBe(0)
    expect(seen[2]).toBe(0)
    // then about 200/s (growing by a quarter per quiet second)
    expect(seen[4] - seen[3]).toBeGreaterThan(50)
    expect(seen[4] - seen[3]).toBeLessThan(250)
  })

  it('recovers: quiet seconds win the pace back until the limit ends', async () => {
    const limiter = new ProjectRateLimiter(true)
    for (let i = 0; i < 100; i++) await limiter.take(PURCHASE)
    limiter.throttled(PURCHASE)
    expect(limiter.currentLimit(PURCHASE)).toBe(50)
    await vi.advanceTimersByTimeAsync(5000)
    await limiter.take(PURCHASE)
    // 50 × 1.25^5 ≈ 153 < 200 (twice the rate that provoked the 429): still limited
    expect(limiter.currentLimit(PURCHASE)).toBeGreaterThan(140)
    expect(limiter.currentLimit(PURCHASE)).toBeLessThan(200)
    await vi.advanceTimersByTimeAsync(2000)
    await limiter.take(PURCHASE)
    expect(limiter.currentLimit(PURCHASE)).toBe(Infinity)
  })

  it('a documented endpoint comes back to its documented limit, never above', async () => {
    const limiter = new ProjectRateLimiter(true)
    // 10 in one second: the burst of 5, then 5 more at the pace.
    const takes = Array.from({ length: 10 }, () => limiter.take(TRACK_BULK))
    await vi.advanceTimersByTimeAsync(500)
    await Promise.all(takes)
    limiter.throttled(TRACK_BULK)
    expect(limiter.currentLimit(TRACK_BULK)).toBe(5)
    await vi.advanceTimersByTimeAsync(10_000)
    await limiter.take(TRACK_BULK)
    expect(limiter.currentLimit(TRACK_BULK)).toBe(10)
  })

  it('switched off: no waits and 429s change nothing', async () => {
    const limiter = new ProjectRateLimiter(false)
    limiter.throttled(TRACK_BULK, 60_000)
    let granted = 0
    for (let i = 0; i < 100; i++) void limiter.take(TRACK_BULK).then(() => granted++)
    await vi.advanceTimersByTimeAsync(0)
    expect(granted).toBe(100)
  })
})
