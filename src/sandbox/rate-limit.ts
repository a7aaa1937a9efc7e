// Iterable's per-project, per-endpoint limits as leaky buckets (spec §3): a bucket holds at most
// one second's worth of requests and drains continuously at the limit's rate. Daily caps (forget,
// unforget) count the requests taken in the last 24 hours.

const DAY_MS = 24 * 3_600_000

interface Bucket {
  level: number
  last: number
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  /** Times of the requests taken in the last day, per project and route (oldest first). */
  private readonly days = new Map<string, number[]>()
  enabled: boolean

  constructor(
    enabled: boolean,
    private readonly overrides: Record<string, number>,
    private readonly dailyOverrides: Record<string, number> = {},
  ) {
    this.enabled = enabled
  }

  /** Takes one of the day's requests; false when `cap` were taken in the last 24 hours. */
  takeDaily(project: string, route: string, cap: number, now: number): boolean {
    if (!this.enabled) return true
    const limit =
      this.dailyOverrides[route] ?? this.dailyOverrides[route.slice(route.indexOf(' ') + 1)] ?? cap
    const key = `${project}\u0000${route}`
    const times = (this.days.get(key) ?? []).filter((t) => t > now - DAY_MS)
    this.days.set(key, times)
    if (times.length >= limit) return false
    times.push(now)
    return true
  }

  /** Takes one slot; false when the bucket is full (answer 429). `route` is e.g. "GET /api/users/{email}". */
  take(project: string, route: string, ratePerSecond: number, now: number): boolean {
    if (!this.enabled) return true
    const rate = this.overrides[route] ?? this.overrides[route.slice(route.indexOf(' ') + 1)] ?? ratePerSecond
    const key = `${project}\u0000${route}`
    let bucket = this.buckets.get(key)
    if (bucket === undefined) {
      bucket = { level: 0, last: now }
      this.buckets.set(key, bucket)
    }
    const drained = ((now - bucket.last) / 1000) * rate
    bucket.level = Math.max(0, bucket.level - drained)
    bucket.last = now
    const capacity = Math.max(1, rate)
    if (bucket.level + 1 > capacity) return false
    bucket.level += 1
    return true
  }

  reset(): void {
    this.buckets.clear()
    this.days.clear()
  }
}
