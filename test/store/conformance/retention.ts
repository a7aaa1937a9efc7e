// Conformance, retention: events by age and size (never those after keepAfter: undelivered), dedupe
// keys, outcomes, counters and attempts by age and caps, revisions no event carries; parked items
// and dead letters outlive their events.
import { expect, it } from 'vitest'
import {
  attempt,
  deadLetter,
  HOUR,
  ingest,
  MINUTE,
  open,
  outcome,
  parked,
  T0,
  type StoreContext,
} from './fixtures.js'

const big = (id: string) => ({ messageId: id, body: JSON.stringify({ id }), size: 4000 })

export function retentionSection(ctx: StoreContext): void {
  it('prunes events by age and by total size, dedupe keys after the window, outcomes by age and rows', async () => {
    const store = await ctx.reopen({
      eventRetentionMs: 10 * HOUR,
      maxEventBytes: 10_000,
      dedupeWindowMs: 2 * HOUR,
      outcomeRetentionMs: 10 * HOUR,
      maxOutcomeRows: 2,
    })
    await ingest(store, ['old'], { sourceId: 's' })
    const request = { sourceId: 's', revision: 1 }
    await store.ingest({ ...request, receivedAt: T0 + 5 * HOUR, events: [big('b1'), big('b2'), big('b3')] })
    await open(store)
    await store.commitProgress('dest', 'o1', {
      outcomes: [
        outcome({ outcome: 'failed', messageId: 'o1', at: T0 }),
        outcome({ outcome: 'failed', messageId: 'o2', at: T0 + 5 * HOUR }),
        outcome({ outcome: 'failed', messageId: 'o3', at: T0 + 5 * HOUR }),
      ],
    })

    const result = await store.prune({ now: T0 + 11 * HOUR })
    // 'old' by age; then b1 by size (b2 + b3 = 8000 <= 10000).
    expect(result.events).toBe(2)
    expect((await store.lookupEvent('old')).events).toHaveLength(0)
    expect((await store.lookupEvent('b1')).events).toHaveLength(0)
    expect((await store.lookupEvent('b3')).events).toHaveLength(1)
    // Keys of pruned events past the window go; b2/b3 keep theirs (they index the stored events).
    expect(result.dedupeKeys).toBe(2)
    expect(result.outcomes).toBe(1)
    expect(await store.listOutcomes({ messageId: 'o3' })).toHaveLength(1)
    expect(await store.listOutcomes({ messageId: 'o1' })).toHaveLength(0)
    // Past the dedupe window, an id is accepted again even while its key still exists.
    expect(await ingest(store, ['b2'], { sourceId: 's', receivedAt: T0 + 11 * HOUR })).toHaveLength(1)

    expect(await store.prune({ now: T0 + 11 * HOUR })).toEqual({
      events: 0,
      dedupeKeys: 0,
      outcomes: 0,
      attempts: 0,
    })
  })

  it('never prunes events after keepAfter (not delivered everywhere); they stay found by messageId', async () => {
    const store = await ctx.reopen({ eventRetentionMs: HOUR, dedupeWindowMs: HOUR, maxEventBytes: 10_000 })
    const request = { sourceId: 's', revision: 1, receivedAt: T0 }
    const old = (await store.ingest({ ...request, events: [big('e1'), big('e2'), big('e3')] })).accepted
    const [e1, e2, e3] = old.map((a) => a.eventId)
    const [e4] = (
      await store.ingest({ ...request, receivedAt: T0 + 3 * HOUR, events: [big('e4')] })
    ).accepted.map((a) => a.eventId)
    // Delivered up to e1: e2 and e3 are too old and too big, but wait for delivery.
    const first = await store.prune({ now: T0 + 3 * HOUR + 1, keepAfter: e1 })
    expect(first).toMatchObject({ events: 1, dedupeKeys: 1 })
    expect((await store.readLog(0, 10)).map((e) => e.id)).toEqual([e2, e3, e4])
    expect((await store.lookupEvent('e2')).events.map((e) => e.id)).toEqual([e2])
    expect((await store.lookupEvent('e3')).events.map((e) => e.id)).toEqual([e3])
    expect((await store.lookupEvent('e1')).events).toEqual([])

    // Delivered everywhere: now they go, by age.
    const second = await store.prune({ now: T0 + 3 * HOUR + 1, keepAfter: e4 })
    expect(second).toMatchObject({ events: 2, dedupeKeys: 2 })
    expect((await store.readLog(0, 10)).map((e) => e.id)).toEqual([e4])
  })

  it('prunes counters and attempts by age, and revisions no stored event carries (never the latest)', async () => {
    const store = await ctx.reopen({ outcomeRetentionMs: 10 * HOUR, eventRetentionMs: 20 * HOUR })
    const r1 = await store.saveConfigRevision('{"v":1}', T0)
    const r2 = await store.saveConfigRevision('{"v":2}', T0)
    await ingest(store, ['e1'], { revision: r2 })
    const r3 = await store.saveConfigRevision('{"v":3}', T0)
    await open(store)
    const delivered = { mappingId: 'map', action: 'trackEvent', outcome: 'delivered' as const, count: 1 }
    await store.commitProgress('dest', 'o1', {
      counts: [
        { ...delivered, at: T0 },
        { ...delivered, at: T0 + 5 * HOUR },
      ],
      attempts: [attempt({ at: T0, jobCount: 1 }), attempt({ at: T0 + 5 * HOUR, jobCount: 2 })],
    })

    const result = await store.prune({ now: T0 + 10 * HOUR + 1 })
    expect(result).toMatchObject({ events: 0, attempts: 1 })
    const counts = await store.outcomeCounts({ from: T0, to: T0 + 11 * HOUR, bucketMs: MINUTE })
    expect(counts.map((c) => c.bucketStart)).toEqual([T0 + 5 * HOUR])
    expect((await store.listAttempts()).map((a) => a.jobCount)).toEqual([2])
    expect(await store.getConfigRevision(r1)).toBeNull()
    expect((await store.getConfigRevision(r2))?.config).toBe('{"v":2}')
    expect((await store.getConfigRevision(r3))?.config).toBe('{"v":3}')

    // Once its last event is gone, r2 goes too; r3 stays, being the one in force.
    expect((await store.prune({ now: T0 + 21 * HOUR })).events).toBe(1)
    expect(await store.getConfigRevision(r2)).toBeNull()
    expect((await store.latestConfigRevision())?.revision).toBe(r3)
  })

  it('keeps parked items and dead letters working after their event is pruned', async () => {
    const store = await ctx.reopen({ eventRetentionMs: HOUR })
    await open(store)
    const [id] = await ingest(store, ['e1'])
    await store.commitProgress('dest', 'o1', {
      cursor: id,
      park: [parked(id, 0)],
      deadLetters: [deadLetter(id, 1)],
    })
    expect((await store.prune({ now: T0 + 2 * HOUR, keepAfter: id })).events).toBe(1)
    expect((await store.lookupEvent('e1')).events).toHaveLength(0)
    expect((await open(store)).items).toMatchObject([
      { eventId: id, ordinal: 0, payload: parked(id, 0).payload },
    ])
    expect(await store.replayDeadLetters({ filter: {} }, T0 + 3 * HOUR)).toBe(1)
    expect((await open(store)).items.map((i) => i.ordinal)).toEqual([0, 1])
    // A new event is stored as usual after everything was pruned.
    expect(await ingest(store, ['e2'], { receivedAt: T0 + 3 * HOUR })).toEqual([id + 1])
  })
}
