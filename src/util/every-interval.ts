/**
 * Lets one occurrence through per interval and counts those held back: for log lines about a
 * condition that repeats (a full disk fails every request), so that the log says it once in a while
 * instead of at every failure.
 */
export class EveryInterval {
  #lastAt = -Infinity
  #held = 0

  constructor(readonly intervalMs: number) {}

  /** How many were held back since the last one let through, or null when this one is held back. */
  pass(now = Date.now()): number | null {
    if (now - this.#lastAt < this.intervalMs) {
      this.#held++
      return null
    }
    this.#lastAt = now
    const held = this.#held
    this.#held = 0
    return held
  }
}
