// Iterable's rate limits belong to the project (API key + region): one limiter per project, shared
// by every destination using that key, with one token bucket per endpoint. A bucket holds at most
// one second's worth of requests.
import { createHash } from 'node:crypto'

/** Iterable's documented per-endpoint limits, requests per second per project. */
export const ITERABLE_RATE_LIMITS: Readonly<Record<string, number>> = Object.freeze({
  '/api/users/update': 500,
  '/api/events/track': 2000,
  '/api/users/bulkUpdate': 5,
  '/api/events/trackBulk': 10,
})

/** For endpoints without a documented limit (updateEmail, commerce): a conservative default. */
export const DEFAULT_RATE_LIMIT = 100

class TokenBucket {
  #tokens: number
  #last: number
  #queue: Promise<void> = Promise.resolve()

  constructor(readonly perSecond: number) {
    this.#tokens = perSecond
    this.#last = Date.now()
  }

  /** Resolves when a request may be sent; callers are served in order. */
  take(): Promise<void> {
    const next = this.#queue.then(() => this.#wait())
    this.#queue = next
    return next
  }

  async #wait(): Promise<void> {
    for (;;) {
      const now = Date.now()
      this.#tokens = Math.min(this.perSecond, this.#tokens + ((now - this.#last) / 1000) * this.perSecond)
      this.#last = now
      if (this.#tokens >= 1) {
        this.#tokens -= 1
        return
      }
      const waitMs = Math.ceil(((1 - this.#tokens) / this.perSecond) * 1000)
      await new Promise((resolve) => setTimeout(resolve, waitMs))
    }
  }
}

export class ProjectRateLimiter {
  readonly #buckets = new Map<string, TokenBucket>()

  constructor(
    readonly enabled: boolean,
    readonly overrides: Readonly<Record<string, number>> = {},
  ) {}

  limitFor(path: string): number {
    return this.overrides[path] ?? ITERABLE_RATE_LIMITS[path] ?? DEFAULT_RATE_LIMIT
  }

  async take(path: string): Promise<void> {
    if (!this.enabled) return
    let bucket = this.#buckets.get(path)
    if (bucket === undefined) {
      bucket = new TokenBucket(this.limitFor(path))
      this.#buckets.set(path, bucket)
    }
    await bucket.take()
  }
}

/** The project identity of a key + base URL; the key is hashed so it never sits in a map key or log. */
export function projectKey(apiKey: string, baseUrl: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 16) + '@' + baseUrl
}

/** One limiter per project, handed to every destination of that project. */
export class RateLimiterRegistry {
  readonly #limiters = new Map<string, ProjectRateLimiter>()

  constructor(
    readonly enabled: boolean,
    readonly overrides: Readonly<Record<string, number>> = {},
  ) {}

  forProject(apiKey: string, baseUrl: string): ProjectRateLimiter {
    const key = projectKey(apiKey, baseUrl)
    let limiter = this.#limiters.get(key)
    if (limiter === undefined) {
      limiter = new ProjectRateLimiter(this.enabled, this.overrides)
      this.#limiters.set(key, limiter)
    }
    return limiter
  }
}
