// Delivery cuts its bulk bodies exactly as preview does (both use the one bulk-body builder): the
// bodies the bulk lane sent, byte for byte, equal preview's for the same events — cut by count, by
// 4 MB, and with the {updateOnly: true} envelope. Every event names its own user, so the lane's
// rule "a user's next items may follow it in the body" does not reorder anything.
import { afterEach, describe, expect, it } from 'vitest'
import { defaultMappings } from '../../src/config/index.js'
import { readRoutingConfig } from '../../src/config/routing-config.js'
import { normalizeEvent, type SegmentEvent } from '../../src/engine/event/index.js'
import type { PlannedDelivery } from '../../src/iterable/actions/types.js'
import { buildBulkRequests } from '../../src/iterable/bulk.js'
import type { MappingConfig } from '../../src/iterable/mappings.js'
import { Routing } from '../../src/routing/index.js'
import { createHarness, drained, type Harness } from './harness.js'

let harness: Harness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

const TIMESTAMP = '2025-11-15T10:00:00.000Z'

/** The bodies preview shows for the events, as its --batch mode groups them (per batch key). */
async function previewBodies(store: Harness['store'], events: Record<string, unknown>[]): Promise<string[]> {
  const routing = Routing.compile(await readRoutingConfig(store))
  const groups = new Map<string, { size: number; deliveries: PlannedDelivery[] }>()
  const receivedAt = new Date()
  for (const raw of events) {
    const event = normalizeEvent(raw as unknown as SegmentEvent, { receivedAt })
    for (const { runs } of routing.evaluate(event, { receivedAt: receivedAt.getTime() })) {
      for (const { mapping, evaluation } of runs) {
        for (const delivery of evaluation.deliveries) {
          const key = delivery.batchKey ?? 'single'
          const group = groups.get(key) ?? { size: mapping.batching.size, deliveries: [] }
          group.deliveries.push(delivery)
          groups.set(key, group)
        }
      }
    }
  }
  return [...groups.values()].flatMap(({ size, deliveries }) =>
    buildBulkRequests(deliveries, { maxItems: size }).requests.map((r) => r.json),
  )
}

async function sentBodies(path: string): Promise<string[]> {
  const attempts = await harness!.store.listAttempts({ endpoint: path, limit: 1000 })
  expect(attempts.every((a) => a.responseStatus === 200)).toBe(true)
  return attempts.map((a) => a.requestBody as string)
}

async function deliverAll(mappings: MappingConfig[], events: Record<string, unknown>[]): Promise<void> {
  harness = await createHarness({
    start: false,
    mappings,
    // Whole bodies in the attempts log (4 MB ones too).
    storeLimits: { maxAttemptBodyBytes: 8 * 1024 * 1024, maxAttemptBytes: 256 * 1024 * 1024 },
  })
  // All events are in the log before delivery starts: it reads them in one page.
  await harness.send(events)
  await harness.service.start()
  await harness.waitFor(() => drained(harness!.store), 30_000)
}

const sorted = (bodies: string[]): string[] => [...bodies].sort()

describe('delivery and preview cut bulk bodies alike', () => {
  it('by the mapping batch size', async () => {
    const mappings = defaultMappings().map((m) =>
      m.action === 'trackEvent' ? { ...m, batching: { enabled: true, size: 7 } } : m,
    )
    const events = Array.from({ length: 25 }, (_, i) => ({
      type: 'track',
      event: 'Viewed',
      userId: `count-${i}`,
      properties: { i },
      messageId: `count-${i}`,
      timestamp: TIMESTAMP,
    }))
    await deliverAll(mappings, events)
    const sent = await sentBodies('/api/events/trackBulk')
    expect(sent).toHaveLength(4)
    expect(sorted(sent)).toEqual(sorted(await previewBodies(harness!.store, events)))
  })

  it('by 4 MB, counting multi-byte characters in bytes', async () => {
    const events = Array.from({ length: 30 }, (_, i) => ({
      type: 'track',
      event: 'Uploaded',
      userId: `bytes-${i}`,
      properties: { blob: 'é'.repeat(100_000) },
      messageId: `bytes-${i}`,
      timestamp: TIMESTAMP,
    }))
    await deliverAll(defaultMappings(), events)
    const sent = await sentBodies('/api/events/trackBulk')
    expect(sent.length).toBeGreaterThan(1)
    for (const body of sent) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(4 * 1024 * 1024)
    expect(sorted(sent)).toEqual(sorted(await previewBodies(harness!.store, events)))
  })

  it('with the {updateOnly: true} envelope, never mixed with plain updates', async () => {
    const mappings = defaultMappings().map((m) =>
      m.action === 'updateUser'
        ? {
            ...m,
            fields: { ...m.fields, updateOnly: { '@path': '$.traits.updateOnly' } },
            batching: { enabled: true, size: 5 },
          }
        : m,
    )
    const events = Array.from({ length: 12 }, (_, i) => ({
      type: 'identify',
      userId: `env-${i}`,
      traits: { email: `env-${i}@example.com`, updateOnly: i % 3 !== 0 },
      messageId: `env-${i}`,
      timestamp: TIMESTAMP,
    }))
    await deliverAll(mappings, events)
    const sent = await sentBodies('/api/users/bulkUpdate')
    expect(sent.filter((b) => b.startsWith('{"updateOnly":true,"users":['))).toHaveLength(2)
    expect(sorted(sent)).toEqual(sorted(await previewBodies(harness!.store, events)))
  })
})
