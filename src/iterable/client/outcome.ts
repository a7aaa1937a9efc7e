/** How one request (or one item of a bulk request) ended, as every caller should treat it. */
export type OutcomeKind = 'success' | 'retryable' | 'auth' | 'permanent'

/**
 * What the caller does next: `deliver` (done), `retry` (later, honouring `retryAfterMs`),
 * `pause` (stop the destination: credentials are wrong, retries would only burn attempts),
 * `drop` (dead-letter with the reason; resending the same data cannot succeed).
 */
export type OutcomePolicy = 'deliver' | 'retry' | 'pause' | 'drop'

export const POLICY_BY_KIND: Readonly<Record<OutcomeKind, OutcomePolicy>> = {
  success: 'deliver',
  retryable: 'retry',
  auth: 'pause',
  permanent: 'drop',
}

export interface IterableOutcome {
  readonly kind: OutcomeKind
  readonly policy: OutcomePolicy
  /**
   * Stable machine code: Iterable's `code` when it answered one (except a misleading `"Success"`
   * on a non-2xx), otherwise `HTTP_<status>`, `TIMEOUT`, `NETWORK_ERROR`, `ABORTED` or `CLIENT_CLOSED`.
   */
  readonly code: string
  /**
   * The reference's error-code name: the status name (`BAD_REQUEST`, `UNAUTHORIZED`,
   * `TOO_MANY_REQUESTS`, …) for HTTP answers, `ETIMEDOUT` for a timeout, `NETWORK_ERROR` otherwise.
   * Absent on success.
   */
  readonly errorCode?: string
  /** HTTP status; 0 when no response was received. */
  readonly status: number
  /** Human-readable summary. Never contains the API key. */
  readonly message: string
  /** Iterable's envelope `code`, as sent (may be `"Success"` even on an error status). */
  readonly iterableCode?: string
  /** Iterable's envelope `msg`, as sent. */
  readonly iterableMsg?: string
  /** Server's `Retry-After` hint in ms, when it sent a valid one (retryable outcomes only). */
  readonly retryAfterMs?: number
  /** The field Iterable named as the cause (a value of a type it refused for that field). */
  readonly field?: string
  /** The transport's own error code (`ECONNREFUSED`, `UND_ERR_SOCKET`, …) for transport failures. */
  readonly transportCode?: string
}
