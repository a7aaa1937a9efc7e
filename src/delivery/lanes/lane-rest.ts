// A lane's rest after an outage: after whole requests failed with a retryable error (5xx, timeout,
// network), the lane rests (backoff by consecutive failures) instead of trying every waiting item
// against the outage; the first request after the rest is the probe. A success ends it.
import type { IterableResponse } from '../../iterable/client/index.js'
import type { DeliveryOptions } from '../options.js'
import { backoffDelay } from '../retry.js'

export class LaneRest {
  #failuresInARow = 0
  #until = 0

  constructor(readonly options: DeliveryOptions) {}

  /** Milliseconds left of the rest (zero or less when the lane is not resting). */
  remainingMs(): number {
    return this.#until - Date.now()
  }

  get resting(): boolean {
    return Date.now() < this.#until
  }

  /** Whole-request outcomes decide whether the lane rests (429s are the rate limiter's business). */
  note(response: IterableResponse): void {
    const { outcome, status } = response
    if (outcome.policy === 'retry' && status !== 429) {
      // Requests that were already in flight when the rest began fail too: they are not probes.
      if (Date.now() < this.#until) return
      this.#failuresInARow++
      const rest = Math.max(backoffDelay(this.#failuresInARow, this.options), outcome.retryAfterMs ?? 0)
      this.#until = Date.now() + rest
    } else if (status >= 200 && status < 500) {
      this.#failuresInARow = 0
      this.#until = 0
    }
  }
}
