// Hooks the delivery pipeline calls so that metrics (and tests) can count what happens,
// without delivery depending on prom-client. Every hook is optional.

import type { PausedState } from '../store/types.js'

export interface DeliveryObserver {
  /** Events stored by an ingest call (duplicates excluded). */
  received?(sourceId: string, count: number): void
  /** Jobs created by routing, per destination. */
  routed?(destinationId: string, jobs: number): void
  /** Events a mapping could not plan (validation): recorded as `failed` outcomes. */
  failed?(destinationId: string, count: number): void
  delivered?(destinationId: string, endpoint: string, count: number): void
  retried?(destinationId: string, endpoint: string, count: number): void
  deadLettered?(destinationId: string, endpoint: string, count: number): void
  /** One HTTP request to Iterable (status 0: no answer). */
  request?(endpoint: string, status: number, durationMs: number): void
  /** Iterable refused the destination's API key (401): delivery is paused until the key changes. */
  paused?(destinationId: string, state: PausedState): void
}
