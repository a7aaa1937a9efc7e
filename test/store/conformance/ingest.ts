// Conformance, ingest: dedupe keys and events in one transaction per request, each event stamped
// with the configuration revision; replays as new receipts; the log read in id order from a cursor.
import { expect, it } from 'vitest'
import { events, HOUR, ingest, T0, type StoreContext } from './fixtures.js'

export function ingestSection(ctx: StoreContext): void {
  it('stores the accepted events in request order, stamped with the revision in force', async () => {
    const result = await ctx.store.ingest({
      sourceId: 'src',
      receivedAt: T0,
      revision: 7,
      events: events(['m1', 'm2', 'm3'], 'user-1'),
    })
    expect(result.duplicates).toEqual([])
    expect(result.accepted.map((a) => [a.index, a.messageId])).toEqual([
      [0, 'm1'],
      [1, 'm2'],
      [2, 'm3'],
    ])
    const ids = result.accepted.map((a) => a.eventId)
    expect(ids[1]).toBe(ids[0] + 1)
    expect(ids[2]).toBe(ids[1] + 1)
    const log = await ctx.store.readLog(0, 10)
    expect(log.map((e) => e.id)).toEqual(ids)
    expect(log[0]).toEqual({
      id: ids[0],
      sourceId: 'src',
      messageId: 'm1',
      receivedAt: T0,
      size: events(['m1'], 'user-1')[0].size,
      userKey: 'user-1',
      body: events(['m1'], 'user-1')[0].body,
      revision: 7,
      destinationId: null,
    })
    const lookup = await ctx.store.lookupEvent('m2')
    expect(lookup.events).toHaveLength(1)
    expect(lookup.events[0]).toMatchObject({ id: ids[1], revision: 7 })
    expect(JSON.parse(lookup.events[0].body)).toMatchObject({ messageId: 'm2' })
  })

  it('drops duplicates within the window, in the same request, and accepts them after it', async () => {
    await ingest(ctx.store, ['m1', 'm2'])
    const again = await ctx.store.ingest({
      sourceId: 'src',
      receivedAt: T0 + 23 * HOUR,
      revision: 1,
      events: events(['m1', 'm3', 'm3']),
    })
    expect(again.duplicates.sort()).toEqual(['m1', 'm3'])
    expect(again.accepted.map((a) => [a.index, a.messageId])).toEqual([[1, 'm3']])
    expect((await ctx.store.lookupEvent('m1')).events).toHaveLength(1)
    expect((await ctx.store.lookupEvent('m3')).events).toHaveLength(1)

    // Another source may use the same messageId.
    expect(await ingest(ctx.store, ['m1'], { sourceId: 'src2', receivedAt: T0 + HOUR })).toHaveLength(1)

    // After the window (24 h from the first sighting) the id is new again.
    const later = await ctx.store.ingest({
      sourceId: 'src',
      receivedAt: T0 + 24 * HOUR + 1,
      revision: 1,
      events: events(['m2']),
    })
    expect(later.duplicates).toEqual([])
    expect(later.accepted.map((a) => a.messageId)).toEqual(['m2'])
  })

  it('honours a configured dedupe window', async () => {
    const store = await ctx.reopen({ dedupeWindowMs: 1000 })
    await ingest(store, ['m1'])
    expect(await ingest(store, ['m1'], { receivedAt: T0 + 999 })).toEqual([])
    expect(await ingest(store, ['m1'], { receivedAt: T0 + 2000 })).toHaveLength(1)
  })

  it('ingests replays as new receipts: no dedupe, for one destination or all, found with the original', async () => {
    const [original] = await ingest(ctx.store, ['m1'])
    const body = events(['m1'])[0]
    const replay = await ctx.store.ingest({
      sourceId: 'src',
      receivedAt: T0 + HOUR,
      revision: 2,
      replay: { destinationId: 'dest' },
      // The same event twice in one replay: both are new receipts.
      events: [
        { ...body, replayOf: original },
        { ...body, replayOf: original },
      ],
    })
    expect(replay.duplicates).toEqual([])
    expect(replay.accepted.map((a) => a.index)).toEqual([0, 1])
    const [copy1, copy2] = replay.accepted.map((a) => a.eventId)
    expect(copy1).toBeGreaterThan(original)
    expect(copy2).toBe(copy1 + 1)
    const everywhere = await ingest(ctx.store, ['m1'], {
      receivedAt: T0 + 2 * HOUR,
      replay: { destinationId: null },
    })
    expect(everywhere).toHaveLength(1)

    const log = await ctx.store.readLog(original, 10)
    expect(log.map((e) => [e.id, e.destinationId, e.revision, e.receivedAt, e.replayOf])).toEqual([
      [copy1, 'dest', 2, T0 + HOUR, original],
      [copy2, 'dest', 2, T0 + HOUR, original],
      [everywhere[0], null, 1, T0 + 2 * HOUR, undefined],
    ])
    // The lookup finds the original and the copies that name it, oldest first; the copy replayed
    // without `replayOf` is a receipt of its own.
    expect((await ctx.store.lookupEvent('m1')).events.map((e) => e.id)).toEqual([original, copy1, copy2])
    // Replays leave the dedupe key alone: the original messageId is still a duplicate.
    expect(await ingest(ctx.store, ['m1'], { receivedAt: T0 + 3 * HOUR })).toEqual([])
  })

  it('reads the log in id order, after a cursor, up to a limit; logHead is the last id', async () => {
    expect(await ctx.store.logHead()).toBe(0)
    expect(await ctx.store.readLog(0, 10)).toEqual([])
    const first = await ingest(ctx.store, ['a', 'b', 'c'])
    const second = await ingest(ctx.store, ['d', 'e'], { sourceId: 'other', receivedAt: T0 + 5 })
    const all = [...first, ...second]
    expect(await ctx.store.logHead()).toBe(all[4])
    const ids = async (after: number, limit: number) =>
      (await ctx.store.readLog(after, limit)).map((e) => e.messageId)
    expect(await ids(0, 100)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(await ids(0, 2)).toEqual(['a', 'b'])
    expect(await ids(all[1], 2)).toEqual(['c', 'd'])
    expect(await ids(all[4], 10)).toEqual([])
    expect((await ctx.store.readLog(all[2], 1))[0]).toMatchObject({ sourceId: 'other', receivedAt: T0 + 5 })
  })
}
