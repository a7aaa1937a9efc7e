// The payload stored with each job: everything a worker needs to send it, nothing to re-plan.
// Short keys: it is written once per job and read on every claim.
import type { FollowUpRequest, JsonObject, PlannedDelivery } from '../iterable/actions/types.js'

export interface JobPayload {
  /** Path of the single request. */
  p: string
  /** Bulk path, when the job is batched. */
  b?: string
  /** Bulk list key (`users` / `events`). */
  k?: 'users' | 'events'
  /** Bulk envelope (e.g. `{updateOnly: true}`). */
  v?: JsonObject
  /** Items per bulk body of this mapping. */
  s?: number
  /** The request body (single) or the bulk item. */
  i: JsonObject
  /** Requests sent after this one succeeded. */
  f?: FollowUpRequest[]
}

export function encodePayload(delivery: PlannedDelivery, batched: boolean, batchSize: number): string {
  const payload: JobPayload = { p: delivery.endpoint, i: delivery.item }
  if (batched && delivery.bulkEndpoint !== undefined) {
    payload.b = delivery.bulkEndpoint
    payload.k = delivery.bulkListKey ?? 'events'
    if (delivery.bulkEnvelope !== undefined) payload.v = delivery.bulkEnvelope
    payload.s = batchSize
  }
  if (delivery.followUps !== undefined && delivery.followUps.length > 0) payload.f = delivery.followUps
  return JSON.stringify(payload)
}

export function decodePayload(text: string): JobPayload {
  return JSON.parse(text) as JobPayload
}

/** The queue (endpoint) a delivery goes to: its bulk path when batched, else its single path. */
export function queueEndpoint(delivery: PlannedDelivery, batched: boolean): string {
  return batched && delivery.bulkEndpoint !== undefined ? delivery.bulkEndpoint : delivery.endpoint
}
