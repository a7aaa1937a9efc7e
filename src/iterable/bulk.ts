// Bulk request bodies for delivery (D11): at most `maxItems` items and `maxBytes` bytes per body.
// Delivery groups planned deliveries by `batchKey` and calls this; it never needs to know that
// Iterable's bulk bodies are `{users: […]}` or `{updateOnly: true, events: […]}`.
import { MAX_BATCH_SIZE } from './shared-fields.js'
import type { JsonObject, PlannedDelivery } from './actions/types.js'

/** Iterable's documented maximum bulk body size, 4 MB. */
export const MAX_BULK_BYTES = 4 * 1024 * 1024

export interface BulkLimits {
  /** Items per body, 1..1000 (default 1000). */
  maxItems?: number
  /** Bytes per body (default 4 MB). */
  maxBytes?: number
}

export interface BulkRequest {
  method: 'POST'
  path: string
  batchKey: string
  /** Positions in the input array of the deliveries this body carries, in order. */
  indexes: number[]
  /** The body as an object (items are shared with the deliveries, not copied). */
  body: JsonObject
  /** The exact serialised body, `Buffer.byteLength(json) <= maxBytes` unless one item alone is larger. */
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

function envelopeOf(delivery: PlannedDelivery): { prefix: string; suffix: string; head: JsonObject } {
  const head = delivery.bulkEnvelope ?? {}
  const listKey = delivery.bulkListKey ?? 'events'
  const headJson = JSON.stringify(head)
  const prefix = (headJson === '{}' ? '{' : headJson.slice(0, -1) + ',') + JSON.stringify(listKey) + ':['
  return { prefix, suffix: ']}', head }
}

/**
 * Splits deliveries that share one batchKey into bulk requests, in input order, by count and by
 * serialised size. Throws when the deliveries are not bulk deliveries of one batchKey.
 */
export function buildBulkRequests(deliveries: readonly PlannedDelivery[], limits: BulkLimits = {}): BulkPlan {
  const maxItems = Math.max(1, Math.min(MAX_BATCH_SIZE, Math.floor(limits.maxItems ?? MAX_BATCH_SIZE)))
  const maxBytes = limits.maxBytes ?? MAX_BULK_BYTES
  const plan: BulkPlan = { requests: [], oversized: [] }
  if (deliveries.length === 0) return plan
  const first = deliveries[0]
  if (first.bulkEndpoint === undefined || first.batchKey === undefined) {
    throw new TypeError('buildBulkRequests: the deliveries are not bulk deliveries')
  }
  const { prefix, suffix, head } = envelopeOf(first)
  const listKey = first.bulkListKey ?? 'events'
  const frame = Buffer.byteLength(prefix) + Buffer.byteLength(suffix)

  let items: JsonObject[] = []
  let parts: string[] = []
  let indexes: number[] = []
  let bytes = frame
  const flush = (): void => {
    if (items.length === 0) return
    plan.requests.push({
      method: 'POST',
      path: first.bulkEndpoint as string,
      batchKey: first.batchKey as string,
      indexes,
      body: { ...head, [listKey]: items },
      json: prefix + parts.join(',') + suffix,
    })
    items = []
    parts = []
    indexes = []
    bytes = frame
  }

  for (let i = 0; i < deliveries.length; i++) {
    const delivery = deliveries[i]
    if (delivery.batchKey !== first.batchKey) {
      throw new TypeError(
        `buildBulkRequests: mixed batch keys "${first.batchKey}" and "${delivery.batchKey}"`,
      )
    }
    const json = JSON.stringify(delivery.item)
    const size = Buffer.byteLength(json)
    if (frame + size > maxBytes) {
      plan.oversized.push({ index: i, bytes: size })
      continue
    }
    const separator = items.length === 0 ? 0 : 1
    if (items.length >= maxItems || bytes + separator + size > maxBytes) flush()
    bytes += (items.length === 0 ? 0 : 1) + size
    items.push(delivery.item)
    parts.push(json)
    indexes.push(i)
  }
  flush()
  return plan
}

/**
 * A bulk body built item by item: `tryAdd` takes an item's JSON while it fits the count and the byte
 * limit; `finish` gives the exact body. (Provisional: the routing branch brings the shared builder.)
 */
export class BulkBodyBuilder {
  readonly #prefix: string
  readonly #maxItems: number
  readonly #maxBytes: number
  #parts: string[] = []
  #bytes: number

  constructor(envelope: JsonObject | undefined, listKey: string, limits: BulkLimits = {}) {
    const head = JSON.stringify(envelope ?? {})
    this.#prefix = (head === '{}' ? '{' : head.slice(0, -1) + ',') + JSON.stringify(listKey) + ':['
    this.#maxItems = Math.max(1, Math.min(MAX_BATCH_SIZE, Math.floor(limits.maxItems ?? MAX_BATCH_SIZE)))
    this.#maxBytes = limits.maxBytes ?? MAX_BULK_BYTES
    this.#bytes = Buffer.byteLength(this.#prefix) + 2
  }

  /** Whether an item of this many bytes could ever fit a body on its own. */
  fitsAlone(itemJson: string): boolean {
    return Buffer.byteLength(this.#prefix) + 2 + Buffer.byteLength(itemJson) <= this.#maxBytes
  }

  /** Adds the item when it fits; false when the body is full (by count or bytes). */
  tryAdd(itemJson: string): boolean {
    if (this.#parts.length >= this.#maxItems) return false
    const size = Buffer.byteLength(itemJson) + (this.#parts.length === 0 ? 0 : 1)
    if (this.#bytes + size > this.#maxBytes) return false
    this.#parts.push(itemJson)
    this.#bytes += size
    return true
  }

  get count(): number {
    return this.#parts.length
  }

  finish(): string {
    return this.#prefix + this.#parts.join(',') + ']}'
  }
}
