import { describe, expect, it } from 'vitest'
import type { PlannedDelivery } from '../../src/iterable/actions/types.js'
import { buildBulkRequests, MAX_BULK_BYTES } from '../../src/iterable/bulk.js'

function event(i: number, pad = 0): PlannedDelivery {
  return {
    action: 'trackEvent',
    endpoint: '/api/events/track',
    bulkEndpoint: '/api/events/trackBulk',
    bulkListKey: 'events',
    batchKey: 'trackEvent',
    item: { userId: `u${i}`, eventName: 'e', dataFields: { pad: 'x'.repeat(pad) } },
  }
}

describe('buildBulkRequests (D11)', () => {
  it('splits by count, at most 1000 whatever is asked', () => {
    const deliveries = Array.from({ length: 2500 }, (_, i) => event(i))
    const plan = buildBulkRequests(deliveries, { maxItems: 5000 })
    expect(plan.requests.map((r) => r.indexes.length)).toEqual([1000, 1000, 500])
    expect(buildBulkRequests(deliveries.slice(0, 7), { maxItems: 3 }).requests.map((r) => r.indexes)).toEqual(
      [[0, 1, 2], [3, 4, 5], [6]],
    )
  })

  it('never exceeds maxBytes; json is the exact body', () => {
    const deliveries = Array.from({ length: 40 }, (_, i) => event(i, 200_000))
    const plan = buildBulkRequests(deliveries)
    expect(plan.requests.length).toBeGreaterThan(1)
    for (const request of plan.requests) {
      expect(Buffer.byteLength(request.json)).toBeLessThanOrEqual(MAX_BULK_BYTES)
      expect(JSON.parse(request.json)).toEqual(request.body)
    }
    expect(plan.requests.flatMap((r) => r.indexes)).toEqual(deliveries.map((_, i) => i))
    const small = buildBulkRequests(deliveries.slice(0, 3), { maxBytes: 450_000 })
    expect(small.requests.map((r) => r.indexes)).toEqual([[0, 1], [2]])
  })

  it('multi-byte characters are counted in bytes', () => {
    const deliveries = [event(0), event(1)]
    deliveries[0].item.dataFields = { s: 'é'.repeat(100) }
    deliveries[1].item.dataFields = { s: 'é'.repeat(100) }
    const oneBytes = Buffer.byteLength(buildBulkRequests([deliveries[0]]).requests[0].json)
    const plan = buildBulkRequests(deliveries, { maxBytes: oneBytes + 50 })
    expect(plan.requests).toHaveLength(2)
  })

  it('an item larger than the limit alone is reported, not sent', () => {
    const plan = buildBulkRequests([event(0), event(1, 1000), event(2)], { maxBytes: 500 })
    expect(plan.oversized.map((o) => o.index)).toEqual([1])
    expect(plan.requests.flatMap((r) => r.indexes)).toEqual([0, 2])
  })

  it('the envelope (updateOnly) comes first; mixed batch keys are refused', () => {
    const user: PlannedDelivery = {
      action: 'updateUser',
      endpoint: '/api/users/update',
      bulkEndpoint: '/api/users/bulkUpdate',
      bulkListKey: 'users',
      batchKey: 'updateUser:updateOnly',
      bulkEnvelope: { updateOnly: true },
      item: { userId: 'a', dataFields: {} },
    }
    const plan = buildBulkRequests([user])
    expect(plan.requests[0].json).toBe('{"updateOnly":true,"users":[{"userId":"a","dataFields":{}}]}')
    expect(plan.requests[0].path).toBe('/api/users/bulkUpdate')
    expect(() => buildBulkRequests([user, { ...user, batchKey: 'updateUser' }])).toThrow(/mixed batch keys/)
    expect(() => buildBulkRequests([{ ...user, bulkEndpoint: undefined, batchKey: undefined }])).toThrow(
      TypeError,
    )
    expect(buildBulkRequests([]).requests).toEqual([])
  })
})
