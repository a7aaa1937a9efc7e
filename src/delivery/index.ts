// Delivery: router, queue workers, batching, rate limits, retries, dead letters (docs/delivery.md).
export { DeliveryService } from './service.js'
export type { DeliveryServiceOptions, DestinationStatus } from './service.js'
export { Router, userKeyOf } from './router.js'
export type { RouterDestination, RouterCompileProblem } from './router.js'
export { DEFAULT_DELIVERY_OPTIONS, resolveDeliveryOptions } from './options.js'
export type { DeliveryOptions } from './options.js'
export type { DeliveryObserver } from './observer.js'
export { backoffDelay, decideRetry } from './retry.js'
export type { RetryDecision, RetryInput } from './retry.js'
export {
  ITERABLE_RATE_LIMITS,
  ProjectRateLimiter,
  RateLimiterRegistry,
  projectKey,
} from './rate-limiter.js'
export { decodePayload, encodePayload } from './job-payload.js'
export type { JobPayload } from './job-payload.js'
export { applyConfig, exportConfig } from './config-sync.js'
export type { ApplySummary } from './config-sync.js'
