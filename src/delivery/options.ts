// Delivery tuning. Every duration is in milliseconds; defaults follow the design's delivery policy.

export interface DeliveryOptions {
  /**
   * Longest a partly filled bulk body waits while the log still has events to read (default 50 ms):
   * bodies flush on size, on 4 MB, after this linger, or as soon as delivery has read the whole log.
   */
  lingerMs: number
  /** Give up retrying an item this long after its event was received (default 6 h) → dead letter. */
  retryWindowMs: number
  /** A custom event whose user does not exist yet (`notFound*`) is retried this long (default 10 min). */
  notFoundWindowMs: number
  /** First retry delay before jitter (default 1 s); doubles per attempt. */
  retryBaseMs: number
  /** Longest delay between two attempts (default 5 min). */
  retryMaxDelayMs: number
  /**
   * A destination is delivered by one owner at a time under a lease this long, renewed every third
   * of it (default 15 s). A node that stops renewing (killed) is taken over once it expires; an
   * owner sends nothing once less than a quarter of it (at most 5 s) is left unrenewed.
   */
  leaseMs: number
  /** How often destinations no one delivers (a dead node's, a new one's) are tried (default 1 s). */
  pollMs: number
  /**
   * How often a delivery that has read the whole log reads it again without a wake-up (default:
   * `pollMs`; `serve` on PostgreSQL: 5 s, as every node's ingest wakes the owner by NOTIFY).
   */
  idleReadMs: number
  /** Events read from the log per page (default 500). */
  readPageSize: number
  /** Items read but unfinished that may live only in memory (default 3,000); reading waits above it. */
  windowItems: number
  /** Parked items (retrying, held) kept in memory (default 100,000); reading waits above it. */
  maxParkedItems: number
  /** How often progress is written: cursor, parked items, dead letters, logs (default 50 ms). */
  flushMs: number
  /**
   * Requests in flight at once per lane of single requests (default 32). Iterable answers in tens
   * of milliseconds, so this, not CPU, bounds a single-request lane: 32 lanes at 50 ms ≈ 640 req/s.
   */
  concurrency: number
  /** Bulk requests in flight at once per bulk lane (default 2). */
  bulkConcurrency: number
  /**
   * Request and response bodies kept in the attempts log: `failed` (default: only for requests that
   * failed, or whose answer refused items) or `all` (every request; costs a write per body).
   */
  requestBodies: 'failed' | 'all'
  /** Apply Iterable's per-endpoint rate limits (default true; the benchmark turns them off). */
  rateLimits: boolean
  /** Per-endpoint overrides in requests per second, keyed by path (e.g. `/api/events/trackBulk`). */
  rateLimitOverrides: Record<string, number>
  /**
   * At start, take each destination's delivery even if a lease is held. Right for one process per
   * store (SQLite: a lease found at start belongs to a process that died); wrong for several nodes.
   */
  reclaimAllOnStart: boolean
  /** Graceful shutdown: wait this long for in-flight requests (default 10 s). */
  shutdownTimeoutMs: number
}

export const DEFAULT_DELIVERY_OPTIONS: Readonly<DeliveryOptions> = Object.freeze({
  lingerMs: 50,
  retryWindowMs: 6 * 60 * 60 * 1000,
  notFoundWindowMs: 10 * 60 * 1000,
  retryBaseMs: 1000,
  retryMaxDelayMs: 5 * 60 * 1000,
  leaseMs: 15_000,
  pollMs: 1000,
  idleReadMs: 1000,
  readPageSize: 500,
  windowItems: 3000,
  maxParkedItems: 100_000,
  flushMs: 50,
  concurrency: 32,
  bulkConcurrency: 2,
  requestBodies: 'failed',
  rateLimits: true,
  rateLimitOverrides: {},
  shutdownTimeoutMs: 10_000,
  reclaimAllOnStart: false,
})

export function resolveDeliveryOptions(options: Partial<DeliveryOptions> = {}): DeliveryOptions {
  // Without its own setting, reading again follows the poll (tests that poll fast read fast).
  const idleReadMs = options.pollMs ?? DEFAULT_DELIVERY_OPTIONS.idleReadMs
  const merged: DeliveryOptions = { ...DEFAULT_DELIVERY_OPTIONS, idleReadMs, ...options }
  for (const [name, value] of Object.entries(merged)) {
    if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) {
      throw new TypeError(`delivery option ${name} must be a non-negative number, got ${String(value)}`)
    }
  }
  return merged
}
