import { Pool } from 'undici'

export interface ConnectionOptions {
  /** Sockets per origin (default 64): single-request queues keep up to 32 requests in flight each. */
  readonly connections?: number
  /** How long an idle keep-alive socket is kept when the server gives no hint (default 30 s). */
  readonly keepAliveTimeoutMs?: number
  /** TCP + TLS connect timeout (default 10 s); the client's own request deadline also applies. */
  readonly connectTimeoutMs?: number
}

/**
 * One keep-alive undici `Pool` per origin (region / base URL), created on first use and reused by
 * every request and every client that shares this object. Several destinations with different API
 * keys in the same region can share one set of sockets.
 */
export class IterableConnections {
  readonly #pools = new Map<string, Pool>()
  readonly #options: ConnectionOptions
  #closed = false

  constructor(options: ConnectionOptions = {}) {
    this.#options = options
  }

  get closed(): boolean {
    return this.#closed
  }

  /** The pool for an origin such as `https://api.iterable.com`. */
  pool(origin: string): Pool {
    let pool = this.#pools.get(origin)
    if (pool === undefined) {
      const keepAlive = this.#options.keepAliveTimeoutMs ?? 30_000
      pool = new Pool(origin, {
        connections: this.#options.connections ?? 64,
        keepAliveTimeout: keepAlive,
        keepAliveMaxTimeout: Math.max(keepAlive, 600_000),
        connect: { timeout: this.#options.connectTimeoutMs ?? 10_000 },
      })
      // After close() a request gets a destroyed pool, so it ends as CLIENT_CLOSED instead of reopening sockets.
      if (this.#closed) void pool.destroy()
      else this.#pools.set(origin, pool)
    }
    return pool
  }

  /** Destroys every pool (in-flight requests end with a `CLIENT_CLOSED` outcome). */
  async close(): Promise<void> {
    this.#closed = true
    const pools = [...this.#pools.values()]
    this.#pools.clear()
    await Promise.all(pools.map((pool) => pool.destroy()))
  }
}
