// Which queues are batched, and how a bulk round's jobs are cut into request bodies: one group per
// batch key, then chunks of at most the mapping's batch size and Iterable's 4 MB bulk limit.
import { actions } from '../iterable/actions/index.js'
import { MAX_BULK_BYTES } from '../iterable/bulk.js'
import type { JobPayload } from './job-payload.js'
import type { Claimed } from './worker-context.js'

/** Bulk endpoints: their queues are batched. */
const BULK_PATHS: ReadonlySet<string> = new Set(
  Object.values(actions)
    .map((a) => a.bulkEndpoint)
    .filter((p): p is string => p !== undefined),
)

export function isBulkEndpoint(endpoint: string): boolean {
  return BULK_PATHS.has(endpoint)
}

/** Items per bulk request (and per bulk round's claims). */
export const MAX_ITEMS = 1000

/** The request body around the items: the payload's envelope values and an empty item list. */
export function bulkEnvelope(payload: JobPayload): string {
  return JSON.stringify({ ...(payload.v ?? {}), [payload.k ?? 'events']: [] })
}

/** Claimed jobs by batch key, in claim order. */
export function groupByBatchKey(claimed: readonly Claimed[]): Claimed[][] {
  const groups = new Map<string, Claimed[]>()
  for (const entry of claimed) {
    const key = entry.job.batchKey ?? ''
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [entry])
    else group.push(entry)
  }
  return [...groups.values()]
}

export interface BulkChunk {
  entries: Claimed[]
  oversized: boolean
}

/** Splits one batch-key group into bodies of at most the mapping's size and 4 MB. */
export function chunkBulk(group: Claimed[]): BulkChunk[] {
  const chunks: BulkChunk[] = []
  let maxItems = MAX_ITEMS
  for (const entry of group) maxItems = Math.min(maxItems, entry.payload.s ?? MAX_ITEMS)
  const frame = Buffer.byteLength(bulkEnvelope(group[0].payload))
  let current: Claimed[] = []
  let bytes = frame
  for (const entry of group) {
    entry.itemJson ??= JSON.stringify(entry.payload.i)
    const size = Buffer.byteLength(entry.itemJson)
    if (frame + size > MAX_BULK_BYTES) {
      chunks.push({ entries: [entry], oversized: true })
      continue
    }
    const extra = (current.length === 0 ? 0 : 1) + size
    if (current.length >= maxItems || bytes + extra > MAX_BULK_BYTES) {
      chunks.push({ entries: current, oversized: false })
      current = []
      bytes = frame
    }
    bytes += (current.length === 0 ? 0 : 1) + size
    current.push(entry)
  }
  if (current.length > 0) chunks.push({ entries: current, oversized: false })
  return chunks
}
