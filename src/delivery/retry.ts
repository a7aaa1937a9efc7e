// Retry policy: exponential backoff with jitter (first ≈ base, doubling, at most maxDelay apart),
// Retry-After honoured, bounded by a window from the job's first enqueue; past it → dead letter.
import type { DeliveryOptions } from './options.js'

export type RetryDecision = { retry: true; runAt: number } | { retry: false; reason: string }

export interface RetryInput {
  /** Attempts so far, the one that just failed included (≥ 1). */
  attempts: number
  firstEnqueuedAt: number
  /** The server's Retry-After, in ms. */
  retryAfterMs?: number
  /** `notFound*`: the user may still be on its way — the short window applies. */
  notFound?: boolean
  now: number
}

/** Delay before the next attempt: base · 2^(attempts−1), capped, times a jitter in [0.75, 1.25). */
export function backoffDelay(
  attempts: number,
  options: Pick<DeliveryOptions, 'retryBaseMs' | 'retryMaxDelayMs'>,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30)
  const raw = Math.min(options.retryMaxDelayMs, options.retryBaseMs * 2 ** exponent)
  return Math.min(options.retryMaxDelayMs, Math.round(raw * (0.75 + random() * 0.5)))
}

export function decideRetry(
  input: RetryInput,
  options: Pick<DeliveryOptions, 'retryBaseMs' | 'retryMaxDelayMs' | 'retryWindowMs' | 'notFoundWindowMs'>,
  random: () => number = Math.random,
): RetryDecision {
  const windowMs = input.notFound
    ? Math.min(options.notFoundWindowMs, options.retryWindowMs)
    : options.retryWindowMs
  const deadline = input.firstEnqueuedAt + windowMs
  let delay = backoffDelay(input.attempts, options, random)
  if (input.retryAfterMs !== undefined && input.retryAfterMs > delay) delay = input.retryAfterMs
  const runAt = input.now + delay
  if (runAt > deadline) {
    const what = input.notFound ? 'user-not-found window' : 'retry window'
    return {
      retry: false,
      reason: `${what} of ${formatDuration(windowMs)} exhausted after ${input.attempts} attempt(s)`,
    }
  }
  return { retry: true, runAt }
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`
  if (ms % 60_000 === 0) return `${ms / 60_000} min`
  if (ms % 1000 === 0) return `${ms / 1000} s`
  return `${ms} ms`
}
