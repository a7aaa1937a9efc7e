// A queue's rest after an outage: after whole requests failed with a retryable error (5xx, timeout,
// network), the queue rests (backoff by consecutive failures) instead of trying every waiting job
// against the outage; the first request after the rest is the probe. A success ends it.
import type { IterableResponse } from '../iterable/client/index.js'
import type { DeliveryOptions } from './options.js'
import { backoffDelay } from './retry.js'

export class QueueRest {
  #failuresInARow = 0
  #until = 0

  /** `recovered` runs when Iterable answers again after failures (jobs need not wait out backoff). */
  constructor(
    readonly options: DeliveryOptions,
    readonly recovered: () => void,
  ) {}

  /** Milliseconds left of the rest (zero or less when the queue is not resting). */
  remainingMs(): number {
    return this.#until - Date.now()
  }

  get resting(): boolean {
    return Date.now() < this.#until
  }

  /** Whole-request outcomes decide whether the queue rests (429s are the rate limiter's business). */
  note(response: IterableResponse): void {
    const { outcome, status } = response
    if (outcome.policy === 'retry' && status !== 429) {
      // Requests that were already in flight when the rest began fail too: they are not probes.
      if (Date.now() < this.#until) return
      this.#failuresInARow++
      const rest = Math.max(backoffDelay(this.#failuresInARow, this.options), outcome.retryAfterMs ?? 0)
      this.#until = Date.now() + rest
    } else if (status >= 200 && status < 500) {
      if (this.#failuresInARow > 0) this.recovered()
      this.#failuresInARow = 0
      this.#until = 0
    }
  }
}
