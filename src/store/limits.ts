import type { StoreLimits } from './types.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

export const DEFAULT_LIMITS: StoreLimits = {
  dedupeWindowMs: DAY,
  eventRetentionMs: 7 * DAY,
  maxEventBytes: 1024 ** 3,
  outcomeRetentionMs: 7 * DAY,
  maxOutcomeRows: 2_000_000,
  maxAttemptRows: 1_000_000,
  maxAttemptBytes: 64 * 1024 ** 2,
  maxAttemptBodyBytes: 64 * 1024,
}

export function resolveLimits(overrides: Partial<StoreLimits> | undefined): StoreLimits {
  return { ...DEFAULT_LIMITS, ...overrides }
}
