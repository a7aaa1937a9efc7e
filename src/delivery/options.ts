// Delivery tuning. Every duration is in milliseconds; defaults follow the design's delivery policy.

export interface DeliveryOptions {
  /** Longest a partly filled bulk batch waits for more jobs while they keep arriving (default 1 s). */
  lingerMs: number
  /** Give up retrying a job this long after it was first enqueued (default 6 h) → dead letter. */
  retryWindowMs: number
  /** A custom event whose user does not exist yet (`notFound*`) is retried this long (default 10 min). */
  notFoundWindowMs: number
  /** First retry delay before jitter (default 1 s); doubles per attempt. */
  retryBaseMs: number
  /** Longest delay between two attempts (default 5 min). */
  retryMaxDelayMs: number
  /** Lease on claimed jobs; expired leases are reclaimed after a crash (default 5 min). */
  leaseMs: number
  /** Polling interval: the guarantee behind wake-up hints (default 1 s). */
  pollMs: number
  /** How often expired leases are reclaimed (default 30 s). */
  reclaimEveryMs: number
  /** Jobs claimed at once by a queue of single requests (default 256). */
  singleClaimLimit: number
  /**
   * Requests in flight at once per queue of single requests (default 32). Iterable answers in tens
   * of milliseconds, so this, not CPU, bounds a single-request queue: 32 lanes at 50 ms ≈ 640 req/s.
   */
  concurrency: number
  /** Workers per bulk queue: bulk requests in flight at once per (destination, endpoint) (default 2). */
  bulkConcurrency: number
  /** Apply Iterable's per-endpoint rate limits (default true; the benchmark turns them off). */
  rateLimits: boolean
  /** Per-endpoint overrides in requests per second, keyed by path (e.g. `/api/events/trackBulk`). */
  rateLimitOverrides: Record<string, number>
  /**
   * At start, take back every lease, not only expired ones. Right for one process per store (SQLite:
   * leases found at start belong to a process that died); wrong for several nodes on one database.
   */
  reclaimAllOnStart: boolean
  /** Graceful shutdown: wait this long for in-flight requests, then release their jobs (default 10 s). */
  shutdownTimeoutMs: number
}

export const DEFAULT_DELIVERY_OPTIONS: Readonly<DeliveryOptions> = Object.freeze({
  lingerMs: 1000,
  retryWindowMs: 6 * 60 * 60 * 1000,
  notFoundWindowMs: 10 * 60 * 1000,
  retryBaseMs: 1000,
  retryMaxDelayMs: 5 * 60 * 1000,
  leaseMs: 5 * 60 * 1000,
  pollMs: 1000,
  reclaimEveryMs: 30_000,
  singleClaimLimit: 256,
  concurrency: 32,
  bulkConcurrency: 2,
  rateLimits: true,
  rateLimitOverrides: {},
  shutdownTimeoutMs: 10_000,
  reclaimAllOnStart: false,
})

export function resolveDeliveryOptions(options: Partial<DeliveryOptions> = {}): DeliveryOptions {
  const merged = { ...DEFAULT_DELIVERY_OPTIONS, ...options }
  for (const [name, value] of Object.entries(merged)) {
    if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) {
      throw new TypeError(`delivery option ${name} must be a non-negative number, got ${String(value)}`)
    }
  }
  return merged
}
