// Injected faults for reliability tests: a share of 5xx, added latency, timeouts (no answer),
// an outage window and 429 storms. Only /api/* routes are faulted, never /_sandbox/*.

import { SandboxConfigError } from './api-error.js'

export interface FaultSettings {
  /** Share (0..1) of requests answered with `failStatus`. */
  failRate: number
  failStatus: number
  /** Added to every answered request. */
  latencyMs: number
  /** Up to this much more latency, uniformly random. */
  latencyJitterMs: number
  /** Share (0..1) of requests never answered. */
  timeoutRate: number
  /** How long an unanswered request is held before its connection is dropped. */
  timeoutHoldMs: number
  /** Share (0..1) of requests answered 429 RateLimitExceeded (a 429 storm). */
  throttleRate: number
  /** Status answered during an outage window. */
  outageStatus: number
}

export const DEFAULT_FAULTS: FaultSettings = {
  failRate: 0,
  failStatus: 500,
  latencyMs: 0,
  latencyJitterMs: 0,
  timeoutRate: 0,
  timeoutHoldMs: 60_000,
  throttleRate: 0,
  outageStatus: 503,
}

/** What `POST /_sandbox/faults` and `startSandbox({faults})` accept. */
export interface FaultUpdate extends Partial<FaultSettings> {
  /** Start an outage window of this many seconds from now (0 ends it). */
  outageSeconds?: number
  /** Every request gets 429 for this many seconds from now (0 ends it). */
  throttleSeconds?: number
  /** Reset every fault to its default first. */
  clear?: boolean
}

export type FaultOutcome = 'pass' | 'fail' | 'timeout' | 'outage' | 'throttle'

export interface FaultDecision {
  delayMs: number
  outcome: FaultOutcome
}

const RATE_KEYS = ['failRate', 'timeoutRate', 'throttleRate'] as const
const MS_KEYS = ['latencyMs', 'latencyJitterMs', 'timeoutHoldMs'] as const
const STATUS_KEYS = ['failStatus', 'outageStatus'] as const

/** Small seedable PRNG (mulberry32) so fault tests can be reproducible. */
function makeRandom(seed: number | undefined): () => number {
  if (seed === undefined) return Math.random
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Faults {
  settings: FaultSettings = { ...DEFAULT_FAULTS }
  outageUntil = 0
  throttleUntil = 0
  private readonly random: () => number

  constructor(initial: FaultUpdate = {}, seed?: number) {
    this.random = makeRandom(seed)
    this.update(initial)
  }

  /** Validates and applies a (partial) update; throws SandboxConfigError on bad values. */
  update(update: FaultUpdate, now = Date.now()): void {
    if (typeof update !== 'object' || update === null || Array.isArray(update)) {
      throw new SandboxConfigError('Faults must be a JSON object')
    }
    const known = new Set<string>([
      ...RATE_KEYS,
      ...MS_KEYS,
      ...STATUS_KEYS,
      'outageSeconds',
      'throttleSeconds',
      'clear',
    ])
    for (const key of Object.keys(update))
      if (!known.has(key)) throw new SandboxConfigError(`Unknown fault "${key}"`)
    const next: FaultSettings = update.clear === true ? { ...DEFAULT_FAULTS } : { ...this.settings }
    for (const key of RATE_KEYS) {
      const v = update[key]
      if (v === undefined) continue
      if (typeof v !== 'number' || !(v >= 0 && v <= 1))
        throw new SandboxConfigError(`${key} must be a number from 0 to 1`)
      next[key] = v
    }
    for (const key of MS_KEYS) {
      const v = update[key]
      if (v === undefined) continue
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new SandboxConfigError(`${key} must be a number ≥ 0`)
      next[key] = v
    }
    for (const key of STATUS_KEYS) {
      const v = update[key]
      if (v === undefined) continue
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 500 || v > 599) {
        throw new SandboxConfigError(`${key} must be an HTTP status from 500 to 599`)
      }
      next[key] = v
    }
    for (const key of ['outageSeconds', 'throttleSeconds'] as const) {
      const v = update[key]
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
        throw new SandboxConfigError(`${key} must be a number ≥ 0`)
      }
    }
    this.settings = next
    if (update.clear === true) {
      this.outageUntil = 0
      this.throttleUntil = 0
    }
    if (update.outageSeconds !== undefined)
      this.outageUntil = update.outageSeconds > 0 ? now + update.outageSeconds * 1000 : 0
    if (update.throttleSeconds !== undefined) {
      this.throttleUntil = update.throttleSeconds > 0 ? now + update.throttleSeconds * 1000 : 0
    }
  }

  /** True when no fault can fire: lets the hot path skip the dice entirely. */
  idle(now: number): boolean {
    const s = this.settings
    return (
      s.failRate === 0 &&
      s.timeoutRate === 0 &&
      s.throttleRate === 0 &&
      s.latencyMs === 0 &&
      s.latencyJitterMs === 0 &&
      now >= this.outageUntil &&
      now >= this.throttleUntil
    )
  }

  decide(now: number): FaultDecision {
    const s = this.settings
    const delayMs = s.latencyMs + (s.latencyJitterMs > 0 ? Math.floor(this.random() * s.latencyJitterMs) : 0)
    if (now < this.outageUntil) return { delayMs, outcome: 'outage' }
    if (now < this.throttleUntil) return { delayMs, outcome: 'throttle' }
    if (s.timeoutRate > 0 && this.random() < s.timeoutRate) return { delayMs: 0, outcome: 'timeout' }
    if (s.failRate > 0 && this.random() < s.failRate) return { delayMs, outcome: 'fail' }
    if (s.throttleRate > 0 && this.random() < s.throttleRate) return { delayMs, outcome: 'throttle' }
    return { delayMs, outcome: 'pass' }
  }

  snapshot(now = Date.now()): Record<string, unknown> {
    return {
      ...this.settings,
      outageSeconds: Math.max(0, Math.ceil((this.outageUntil - now) / 1000)),
      throttleSeconds: Math.max(0, Math.ceil((this.throttleUntil - now) / 1000)),
    }
  }
}
