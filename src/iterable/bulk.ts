// Bulk requests from planned deliveries of one batch key (D11), cut by the bulk-body builder: at
// most `maxItems` items and `maxBytes` bytes per body. Preview shows these; delivery cuts its bodies
// with the same builder, item by item (bulk-body.ts).
import type { JsonObject, PlannedDelivery } from './actions/types.js'
import { BulkBodyBuilder, type BulkLimits } from './bulk-body.js'

export { BulkBodyBuilder, bulkBody, MAX_BULK_BYTES, type BulkLimits, type BulkListKey } from './bulk-body.js'

export interface BulkRequest {
  method: 'POST' | 'PUT'
  path: string
  batchKey: string
  /** Positions in the input array of the deliveries this body carries, in order. */
  indexes: number[]
  /** The body as an object (items are shared with the deliveries, not copied). */
  body: JsonObject
  /** The exact serialised body, `Buffer.byteLength(json) <= maxBytes`. */
  json: string
}

/** An item too large to fit any bulk body on its own. */
export interface OversizedItem {
  index: number
  bytes: number
}

export interface BulkPlan {
  requests: BulkRequest[]
  /** Items that alone exceed maxBytes: not sendable in bulk (the caller sends them singly or fails them). */
  oversized: OversizedItem[]
}

/**
 * Splits deliveries that share one batchKey into bulk requests, in input order, by count and by
 * serialised size. Throws when the deliveries are not bulk deliveries of one batchKey.
 */
export function buildBulkRequests(deliveries: readonly PlannedDelivery[], limits: BulkLimits = {}): BulkPlan {
  const plan: BulkPlan = { requests: [], oversized: [] }
  if (deliveries.length === 0) return plan
  const first = deliveries[0]
  const path = first.bulkEndpoint
  const batchKey = first.batchKey
  if (path === undefined || batchKey === undefined) {
    throw new TypeError('buildBulkRequests: the deliveries are not bulk deliveries')
  }
  const head = first.bulkEnvelope ?? {}
  const listKey = first.bulkListKey ?? 'events'
  const builder = new BulkBodyBuilder(first.bulkEnvelope, listKey, limits)

  const element = first.bulkElement
  let items: unknown[] = []
  let indexes: number[] = []
  const flush = (): void => {
    if (builder.count === 0) return
    plan.requests.push({
      method: first.bulkMethod ?? 'POST',
      path,
      batchKey,
      indexes,
      body: { ...head, [listKey]: items },
      json: builder.finish(),
    })
    items = []
    indexes = []
  }

  for (let i = 0; i < deliveries.length; i++) {
    const delivery = deliveries[i]
    if (delivery.batchKey !== batchKey) {
      throw new TypeError(`buildBulkRequests: mixed batch keys "${batchKey}" and "${delivery.batchKey}"`)
    }
    // Lists of identifiers hold one value of each item (subscriptions: emails or userIds).
    const value = element === undefined ? delivery.item : delivery.item[element]
    const json = JSON.stringify(value)
    const bytes = Buffer.byteLength(json)
    if (!builder.fitsAlone(json, bytes)) {
      plan.oversized.push({ index: i, bytes })
      continue
    }
    if (!builder.tryAdd(json, bytes)) {
      flush()
      builder.tryAdd(json, bytes)
    }
    items.push(value)
    indexes.push(i)
  }
  flush()
  return plan
}
