// The one bulk-body builder (D11): Iterable's bulk bodies are `{<envelope keys>, "<listKey>": [items]}`
// with at most 1000 items and 4 MB. Preview (bulk.ts) and delivery cut their bodies with it, item by
// item from the items' JSON text, so what preview shows is what delivery sends.
import type { BulkListKey, JsonObject } from './actions/types.js'
import { MAX_BATCH_SIZE } from './shared-fields.js'

/** Iterable's documented maximum bulk body size, 4 MB. */
export const MAX_BULK_BYTES = 4 * 1024 * 1024

export type { BulkListKey }

export interface BulkLimits {
  /** Items per body, 1..1000 (default 1000; larger values are clamped). */
  maxItems?: number
  /** Bytes per body (default 4 MB). */
  maxBytes?: number
}

/** `{"updateOnly":true,"users":[` — everything of the body before the first item. */
function bodyPrefix(envelope: JsonObject | undefined, listKey: BulkListKey): string {
  const head = envelope === undefined ? '{}' : JSON.stringify(envelope)
  return (head === '{}' ? '{' : head.slice(0, -1) + ',') + JSON.stringify(listKey) + ':['
}

const SUFFIX = ']}'

/**
 * Builds one bulk body at a time. `tryAdd` takes an item's JSON text and says whether it went in:
 * false means the body is full (send `finish()`, then add the item to the next body), or — when the
 * builder is empty — that the item alone is larger than any body may be.
 */
export class BulkBodyBuilder {
  readonly maxItems: number
  readonly maxBytes: number
  readonly #prefix: string
  /** Bytes of the prefix and the suffix. */
  readonly #frame: number
  #body: string
  #count = 0
  #bytes: number

  constructor(envelope: JsonObject | undefined, listKey: BulkListKey, limits: BulkLimits = {}) {
    this.maxItems = Math.max(1, Math.min(MAX_BATCH_SIZE, Math.floor(limits.maxItems ?? MAX_BATCH_SIZE)))
    this.maxBytes = limits.maxBytes ?? MAX_BULK_BYTES
    this.#prefix = bodyPrefix(envelope, listKey)
    this.#frame = Buffer.byteLength(this.#prefix) + SUFFIX.length
    this.#body = this.#prefix
    this.#bytes = this.#frame
  }

  /** Items in the body being built. */
  get count(): number {
    return this.#count
  }

  /** Bytes of the body being built, as `finish()` would return it. */
  get bytes(): number {
    return this.#bytes
  }

  /**
   * Whether the item fits an empty body (false: it can never be sent in bulk). `itemBytes`: its size
   * in bytes, when the caller measured it already.
   */
  fitsAlone(itemJson: string, itemBytes = Buffer.byteLength(itemJson)): boolean {
    return this.#frame + itemBytes <= this.maxBytes
  }

  /**
   * Adds the item when it fits; false when the body is full or (empty builder) the item never fits.
   * `itemBytes`: the item's size in bytes, when the caller measured it already.
   */
  tryAdd(itemJson: string, itemBytes = Buffer.byteLength(itemJson)): boolean {
    if (this.#count >= this.maxItems) return false
    const separator = this.#count === 0 ? 0 : 1
    const bytes = this.#bytes + separator + itemBytes
    if (bytes > this.maxBytes) return false
    this.#body += separator === 0 ? itemJson : ',' + itemJson
    this.#bytes = bytes
    this.#count++
    return true
  }

  /** The exact body of the items added since the last finish; the builder starts a new body. */
  finish(): string {
    const body = this.#body + SUFFIX
    this.#body = this.#prefix
    this.#bytes = this.#frame
    this.#count = 0
    return body
  }
}

/**
 * The body of items already known to fit one body (a part of a body the builder cut: items held
 * back or sent again), framed exactly as the builder frames it.
 */
export function bulkBody(
  envelope: JsonObject | undefined,
  listKey: BulkListKey,
  itemJsons: readonly string[],
): string {
  return bodyPrefix(envelope, listKey) + itemJsons.join(',') + SUFFIX
}
