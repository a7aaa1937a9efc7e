// The one bulk-body builder: count and byte cuts, an item alone too large, the envelope. That
// delivery's bodies are cut exactly as preview's (both use it) is test/delivery/bulk-bodies.test.ts.
import { describe, expect, it } from 'vitest'
import { BulkBodyBuilder, bulkBody, MAX_BULK_BYTES } from '../../src/iterable/bulk-body.js'

const item = (i: number, pad = 0): string =>
  JSON.stringify({ userId: `u${i}`, dataFields: { pad: 'x'.repeat(pad) } })

/** Adds items one by one as delivery does: a full body is finished and the item starts the next. */
function cut(builder: BulkBodyBuilder, items: readonly string[]): { bodies: string[]; oversized: number[] } {
  const bodies: string[] = []
  const oversized: number[] = []
  items.forEach((json, i) => {
    if (!builder.fitsAlone(json)) {
      oversized.push(i)
      return
    }
    if (!builder.tryAdd(json)) {
      bodies.push(builder.finish())
      expect(builder.tryAdd(json)).toBe(true)
    }
  })
  if (builder.count > 0) bodies.push(builder.finish())
  return { bodies, oversized }
}

describe('BulkBodyBuilder', () => {
  it('cuts by count: at most maxItems, never more than 1000 whatever is asked', () => {
    const items = Array.from({ length: 2500 }, (_, i) => item(i))
    const big = cut(new BulkBodyBuilder(undefined, 'events', { maxItems: 5000 }), items)
    expect(big.bodies.map((b) => (JSON.parse(b) as { events: unknown[] }).events.length)).toEqual([
      1000, 1000, 500,
    ])
    const small = cut(new BulkBodyBuilder(undefined, 'events', { maxItems: 3 }), items.slice(0, 7))
    expect(small.bodies.map((b) => (JSON.parse(b) as { events: unknown[] }).events.length)).toEqual([3, 3, 1])
  })

  it('cuts at 4 MB: every body at most 4 MB, items in order, each exactly once', () => {
    const items = Array.from({ length: 40 }, (_, i) => item(i, 200_000))
    const { bodies } = cut(new BulkBodyBuilder(undefined, 'users'), items)
    expect(bodies.length).toBe(2)
    for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BULK_BYTES)
    // The first body is as full as 4 MB allows: one more item would not have fitted.
    expect(Buffer.byteLength(bodies[0]) + 1 + Buffer.byteLength(items[0])).toBeGreaterThan(MAX_BULK_BYTES)
    const users = bodies.flatMap((b) => (JSON.parse(b) as { users: Array<{ userId: string }> }).users)
    expect(users.map((u) => u.userId)).toEqual(items.map((_, i) => `u${i}`))
  })

  it('tryAdd says full once the bytes are reached, and bytes/count describe the body being built', () => {
    const builder = new BulkBodyBuilder(undefined, 'events', { maxBytes: 150 })
    const json = item(1, 20)
    expect(builder.tryAdd(json)).toBe(true)
    expect(builder.count).toBe(1)
    while (builder.tryAdd(json));
    const count = builder.count
    const bytes = builder.bytes
    expect(count).toBe(2)
    expect(bytes).toBeLessThanOrEqual(150)
    const body = builder.finish()
    expect(Buffer.byteLength(body)).toBe(bytes)
    expect((JSON.parse(body) as { events: unknown[] }).events).toHaveLength(count)
    // finish starts a new, empty body
    expect(builder.count).toBe(0)
    expect(builder.tryAdd(json)).toBe(true)
    expect(builder.finish()).toBe(`{"events":[${json}]}`)
  })

  it('an item alone over 4 MB never fits: fitsAlone is false and tryAdd refuses it even on an empty body', () => {
    const builder = new BulkBodyBuilder(undefined, 'events')
    const huge = JSON.stringify({ userId: 'u', dataFields: { pad: 'x'.repeat(MAX_BULK_BYTES) } })
    expect(builder.fitsAlone(huge)).toBe(false)
    expect(builder.fitsAlone(huge, Buffer.byteLength(huge))).toBe(false)
    expect(builder.fitsAlone(item(0))).toBe(true)
    expect(builder.tryAdd(huge)).toBe(false)
    expect(builder.count).toBe(0)
    const { bodies, oversized } = cut(builder, [item(0), huge, item(2)])
    expect(oversized).toEqual([1])
    // The item too large does not cut the body around it.
    expect(bodies).toEqual([`{"events":[${item(0)},${item(2)}]}`])
  })

  it('puts the envelope ({updateOnly: true}) before the list, and counts multi-byte characters in bytes', () => {
    const builder = new BulkBodyBuilder({ updateOnly: true }, 'users')
    expect(builder.tryAdd('{"userId":"a","dataFields":{}}')).toBe(true)
    expect(builder.finish()).toBe('{"updateOnly":true,"users":[{"userId":"a","dataFields":{}}]}')
    expect(bulkBody({ updateOnly: true }, 'users', ['{"userId":"a"}'])).toBe(
      '{"updateOnly":true,"users":[{"userId":"a"}]}',
    )

    const accented = JSON.stringify({ s: 'é'.repeat(100) })
    const one = Buffer.byteLength(bulkBody(undefined, 'events', [accented]))
    const tight = new BulkBodyBuilder(undefined, 'events', { maxBytes: one + 50 })
    expect(tight.tryAdd(accented)).toBe(true)
    expect(tight.bytes).toBe(one)
    expect(tight.tryAdd(accented)).toBe(false)
  })
})
