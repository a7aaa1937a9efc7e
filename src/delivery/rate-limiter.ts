// Iterable's rate limits belong to the project (API key + region): one limiter per project, shared
// by every destination using that key, with one budget per endpoint. A budget starts at Iterable's
// documented limit (a bucket holding at most half a second's worth of requests: Iterable's bucket
// holds a second's, and the other half absorbs requests that reach it closer together than they
// left, so a steady pace at the limit is not answered 429), or unlimited where
// Iterable documents none (commerce, updateEmail). A 429 halves the budget below the rate that
// provoked it (someone else may share the project); each quiet second then wins back a quarter.
import { createHash } from 'node:crypto'

/** Iterable's documented per-endpoint limits, requests per second per project. */
export const ITERABLE_RATE_LIMITS: Readonly<Record<string, number>> = Object.freeze({
  '/api/users/update': 500,
  '/api/events/track': 2000,
  '/api/users/bulkUpdate': 5,
  '/api/events/trackBulk': 10,
  '/api/users/registerDeviceToken': 500,
  // Per API key at Iterable; a project's keys share this budget here (the stricter reading).
  '/api/users/merge': 50,
  // GET /api/lists is documented (100/s); list creation, which shares the path here, is not.
  '/api/lists': 100,
})

const RECOVERY_PER_SECOND = 1.25
/** Seconds' worth of requests a budget lets out at once. */
const BURST_SECONDS = 0.5
const MIN_RATE = 1

class EndpointBudget {
  /** Requests per second now; Infinity = no wait at all. */
  #rate: number
  #tokens: number
  #last = Date.now()
  #queue: Promise<void> = Promise.resolve()
  /** Grants in the current and the previous whole second: the observed rate. */
  #second = 0
  #thisSecond = 0
  #lastSecond = 0
  /** After a 429: no request before this time; the rate at which limiting ends again. */
  #blockedUntil = 0
  #recoveredAt = Infinity

  constructor(readonly ceiling: number) {
    this.#rate = ceiling
    this.#tokens = Number.isFinite(ceiling) ? burst(ceiling) : 0
  }

  get rate(): number {
    return this.#rate
  }

  /** Resolves when a request may be sent; callers are served in order. */
  take(): Promise<void> {
    if (this.#rate === Infinity && this.#blockedUntil === 0) {
      this.#count(Date.now())
      return Promise.resolve()
    }
    const next = this.#queue.then(() => this.#wait())
    this.#queue = next
    return next
  }

  /** Iterable answered 429: slow down below what provoked it; wait `retryAfterMs` when given. */
  throttled(retryAfterMs?: number): void {
    const now = Date.now()
    this.#refill(now)
    const observed = Math.max(this.#observed(now), MIN_RATE)
    const base = Math.min(this.#rate, observed)
    if (this.#recoveredAt === Infinity) this.#recoveredAt = Math.min(this.ceiling, observed * 2)
    this.#rate = Math.max(MIN_RATE, base / 2)
    this.#tokens = Math.min(this.#tokens, 0)
    if (retryAfterMs !== undefined && retryAfterMs > 0)
      this.#blockedUntil = Math.max(this.#blockedUntil, now + retryAfterMs)
  }

  #roll(now: number): void {
    const second = Math.floor(now / 1000)
    if (second === this.#second) return
    this.#lastSecond = second === this.#second + 1 ? this.#thisSecond : 0
    this.#thisSecond = 0
    this.#second = second
  }

  #count(now: number): void {
    this.#roll(now)
    this.#thisSecond++
  }

  #observed(now: number): number {
    this.#roll(now)
    return Math.max(this.#lastSecond, this.#thisSecond)
  }

  /** Tokens for the time passed, and the recovery after a 429 (a quarter more per quiet second). */
  #refill(now: number): void {
    const elapsed = (now - this.#last) / 1000
    this.#last = now
    if (this.#recoveredAt !== Infinity && now >= this.#blockedUntil) {
      this.#rate *= RECOVERY_PER_SECOND ** elapsed
      if (this.#rate >= this.#recoveredAt) {
        this.#rate = this.ceiling
        this.#recoveredAt = Infinity
        this.#blockedUntil = 0
      }
    }
    if (Number.isFinite(this.#rate))
      this.#tokens = Math.min(burst(this.#rate), this.#tokens + elapsed * this.#rate)
  }

  async #wait(): Promise<void> {
    for (;;) {
      const now = Date.now()
      this.#refill(now)
      if (now < this.#blockedUntil) {
        await sleep(this.#blockedUntil - now)
        continue
      }
      if (this.#rate === Infinity) break
      if (this.#tokens >= 1) {
        this.#tokens -= 1
        break
      }
      await sleep(Math.ceil(((1 - this.#tokens) / this.#rate) * 1000))
    }
    this.#count(Date.now())
  }
}

const burst = (rate: number): number => Math.max(1, rate * BURST_SECONDS)

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export class ProjectRateLimiter {
  readonly #budgets = new Map<string, EndpointBudget>()

  constructor(
    readonly enabled: boolean,
    readonly overrides: Readonly<Record<string, number>> = {},
  ) {}

  /** The starting limit of an endpoint: an override, Iterable's documented limit, else none. */
  limitFor(path: string): number {
    return this.overrides[path] ?? ITERABLE_RATE_LIMITS[path] ?? Infinity
  }

  /** The limit in force now (lower than `limitFor` for a while after a 429). */
  currentLimit(path: string): number {
    return this.#budgets.get(path)?.rate ?? this.limitFor(path)
  }

  async take(path: string): Promise<void> {
    if (!this.enabled) return
    await this.#budget(path).take()
  }

  /** Iterable answered 429 on this endpoint. */
  throttled(path: string, retryAfterMs?: number): void {
    if (!this.enabled) return
    this.#budget(path).throttled(retryAfterMs)
  }

  #budget(path: string): EndpointBudget {
    let budget = this.#budgets.get(path)
    if (budget === undefined) {
      budget = new EndpointBudget(this.limitFor(path))
      this.#budgets.set(path, budget)
    }
    return budget
  }
}

/** The project identity of a key + base URL; the key is hashed so it never sits in a map key or log. */
export function projectKey(apiKey: string, baseUrl: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 16) + '@' + baseUrl
}

/** One T per Iterable project (API key + base URL), shared by every destination of that project. */
export class ProjectRegistry<T> {
  readonly #items = new Map<string, T>()

  constructor(readonly create: () => T) {}

  forProject(apiKey: string, baseUrl: string): T {
    const key = projectKey(apiKey, baseUrl)
    let item = this.#items.get(key)
    if (item === undefined) {
      item = this.create()
      this.#items.set(key, item)
    }
    return item
  }
}

/** One limiter per project, handed to every destination of that project. */
export class RateLimiterRegistry extends ProjectRegistry<ProjectRateLimiter> {
  constructor(
    readonly enabled: boolean,
    readonly overrides: Readonly<Record<string, number>> = {},
  ) {
    super(() => new ProjectRateLimiter(enabled, overrides))
  }
}
