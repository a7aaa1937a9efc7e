// Limits of the HTTP server as a whole (docs/operations.md, "Limits"): how long a client may take to
// send a request, how many connections may be open, how deeply request JSON may nest. Without them a
// few hundred clients sending a byte now and then hold every file descriptor (Node's own request
// timeout is off under Fastify), and deeply nested JSON overflows the stack wherever it is written.
import { DEFAULT_MAX_JSON_DEPTH, MAX_JSON_DEPTH_SETTING } from './json-inspect.js'

export interface ServerLimits {
  /** A request's headers and body must have arrived within this time after it started; else 408. */
  requestTimeoutMs: number
  /**
   * A request's headers must have arrived within this time, else 408; not more than requestTimeoutMs
   * (default: 10 s, or the request timeout when that is shorter).
   */
  headersTimeoutMs: number
  /** Open connections at most; over it the longest-waiting idle or slow one is closed. */
  maxConnections: number
  /** Deepest nesting of request JSON: an event (ingest), a body (admin API, one level more). */
  maxJsonDepth: number
}

export const DEFAULT_SERVER_LIMITS: Readonly<ServerLimits> = Object.freeze({
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  // Well below the usual 1024 open files of `ulimit -n`, which the store, the sandbox and
  // delivery's own connections share.
  maxConnections: 500,
  maxJsonDepth: DEFAULT_MAX_JSON_DEPTH,
})

/** How often Node looks for requests past their timeouts (its default, 30 s, would double them). */
export function timeoutCheckIntervalMs(limits: ServerLimits): number {
  return Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4)))
}

/** The defaults with `given` applied; a TypeError names a value out of range. */
export function resolveServerLimits(given: Partial<ServerLimits> = {}): ServerLimits {
  const requestTimeoutMs = given.requestTimeoutMs ?? DEFAULT_SERVER_LIMITS.requestTimeoutMs
  const limits = {
    ...DEFAULT_SERVER_LIMITS,
    ...given,
    // A short request timeout shortens the default headers timeout with it.
    headersTimeoutMs:
      given.headersTimeoutMs ?? Math.min(DEFAULT_SERVER_LIMITS.headersTimeoutMs, requestTimeoutMs),
  }
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new TypeError(`server limit ${name} must be a positive integer, got ${String(value)}`)
    }
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new TypeError(
      `the headers timeout (${limits.headersTimeoutMs} ms) must not be longer than the request timeout (${limits.requestTimeoutMs} ms)`,
    )
  }
  if (limits.maxJsonDepth > MAX_JSON_DEPTH_SETTING) {
    throw new TypeError(
      `the JSON depth limit must be at most ${MAX_JSON_DEPTH_SETTING}, got ${limits.maxJsonDepth}`,
    )
  }
  return limits
}
