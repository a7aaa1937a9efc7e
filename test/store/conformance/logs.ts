// Conformance, logs and lookups: outcome counters in buckets, the outcome log, event lookup (copies,
// history, parked items, dead letters, the requests that carried them, cursors), events by user,
// recent events, a user's events deleted, time ranges, and the attempts log's caps.
import { expect, it } from 'vitest'
import type { OutcomeKind, Store } from '../../../src/store/index.js'
import {
  attempt,
  deadLetter,
  events,
  ingest,
  MINUTE,
  open,
  outcome,
  parked,
  T0,
  type StoreContext,
} from './fixtures.js'

export function logSection(ctx: StoreContext): void {
  it('sums the per-minute counters into buckets of whole minutes, per destination', async () => {
    const store = ctx.store
    await open(store)
    await open(store, 'dest2')
    const count = (at: number, outcomeKind: OutcomeKind, n: number, mappingId = 'map') => ({
      at,
      mappingId,
      action: 'trackEvent',
      outcome: outcomeKind,
      count: n,
    })
    await store.commitProgress('dest', 'o1', {
      counts: [
        count(T0, 'delivered', 2),
        count(T0 + MINUTE + 1, 'delivered', 3),
        count(T0 + 2 * MINUTE, 'delivered', 4),
        count(T0 + MINUTE, 'retrying', 1, 'm2'),
      ],
    })
    await store.commitProgress('dest2', 'o1', { counts: [count(T0 + 10, 'delivered', 5)] })
    const base = { action: 'trackEvent' }
    expect(await store.outcomeCounts({ from: T0, to: T0 + 4 * MINUTE, bucketMs: 2 * MINUTE })).toEqual([
      { ...base, bucketStart: T0, destinationId: 'dest', mappingId: 'm2', outcome: 'retrying', count: 1 },
      { ...base, bucketStart: T0, destinationId: 'dest', mappingId: 'map', outcome: 'delivered', count: 5 },
      { ...base, bucketStart: T0, destinationId: 'dest2', mappingId: 'map', outcome: 'delivered', count: 5 },
      {
        ...base,
        bucketStart: T0 + 2 * MINUTE,
        destinationId: 'dest',
        mappingId: 'map',
        outcome: 'delivered',
        count: 4,
      },
    ])
    const onlyDest2 = { from: T0, to: T0 + 4 * MINUTE, bucketMs: MINUTE, destinationId: 'dest2' }
    expect((await store.outcomeCounts(onlyDest2)).map((c) => c.count)).toEqual([5])
    // [from, to) by minute.
    const second = { from: T0 + MINUTE, to: T0 + 2 * MINUTE, bucketMs: MINUTE }
    expect((await store.outcomeCounts(second)).map((c) => c.count)).toEqual([1, 3])
    expect(await store.outcomeCounts({ ...second, destinationId: 'nope' })).toEqual([])
  })

  it('lists outcomes newest first, filtered and paged', async () => {
    const store = ctx.store
    await open(store)
    await open(store, 'dest2')
    await store.commitProgress('dest', 'o1', {
      outcomes: [
        outcome({ outcome: 'retrying', messageId: 'a', eventId: 1, ordinal: 0 }),
        outcome({ outcome: 'dead', messageId: 'a', eventId: 1, ordinal: 0 }),
        outcome({ outcome: 'failed', messageId: 'b', eventId: 2, ordinal: 0 }),
      ],
    })
    await store.commitProgress('dest2', 'o1', {
      outcomes: [outcome({ outcome: 'retrying', messageId: 'a' })],
    })
    const list = async (query: Parameters<Store['listOutcomes']>[0]) =>
      (await store.listOutcomes(query)).map((o) => [o.destinationId, o.outcome, o.messageId])
    expect(await list({})).toEqual([
      ['dest2', 'retrying', 'a'],
      ['dest', 'failed', 'b'],
      ['dest', 'dead', 'a'],
      ['dest', 'retrying', 'a'],
    ])
    expect(await list({ destinationId: 'dest', messageId: 'a' })).toEqual([
      ['dest', 'dead', 'a'],
      ['dest', 'retrying', 'a'],
    ])
    expect(await list({ outcome: 'retrying' })).toHaveLength(2)
    const [newest] = await store.listOutcomes({ limit: 1 })
    expect(await list({ before: newest.id, limit: 2 })).toEqual([
      ['dest', 'failed', 'b'],
      ['dest', 'dead', 'a'],
    ])
  })

  it('looks an event up: its copies, history, parked items, dead letters, the requests that carried it', async () => {
    const store = ctx.store
    await open(store)
    await open(store, 'dest2')
    const [a, b, c] = await ingest(store, ['a', 'b', 'c'])
    const replay = await store.ingest({
      sourceId: 'src',
      receivedAt: T0 + 1,
      revision: 1,
      replay: { destinationId: 'dest' },
      events: events(['a']).map((e) => ({ ...e, replayOf: a })),
    })
    const copy = replay.accepted[0].eventId
    await store.commitProgress('dest', 'o1', {
      cursor: c,
      park: [parked(a, 1), parked(copy, 0)],
      deadLetters: [deadLetter(a, 2)],
      outcomes: [
        outcome({ outcome: 'retrying', eventId: a, ordinal: 1, messageId: 'a' }),
        outcome({ outcome: 'failed', eventId: b, ordinal: 0, messageId: 'b' }),
      ],
      attempts: [
        attempt({ eventIds: [a, c], jobCount: 2 }),
        attempt({ eventIds: [b], at: T0 + 1 }),
        attempt({ eventIds: [c, copy], jobCount: 2, at: T0 + 2 }),
      ],
    })
    const found = await store.lookupEvent('a')
    expect(found.events.map((e) => e.id)).toEqual([a, copy])
    expect(found.outcomes).toMatchObject([{ outcome: 'retrying', eventId: a, destinationId: 'dest' }])
    expect(found.parked.map((p) => [p.destinationId, p.eventId, p.ordinal])).toEqual([
      ['dest', a, 1],
      ['dest', copy, 0],
    ])
    expect(found.deadLetters.map((d) => [d.eventId, d.ordinal])).toEqual([[a, 2]])
    expect(found.attempts.map((r) => r.eventIds)).toEqual([
      [a, c],
      [c, copy],
    ])
    expect(found.cursors).toEqual([
      { destinationId: 'dest', cursor: c },
      { destinationId: 'dest2', cursor: 0 },
    ])
    // b lies within the first request's range of events, but only the second one carried it.
    const second = await store.lookupEvent('b')
    expect(second.attempts.map((r) => r.eventIds)).toEqual([[b]])
    expect(second.outcomes.map((o) => o.outcome)).toEqual(['failed'])
    expect(await store.lookupEvent('nope')).toEqual({
      events: [],
      outcomes: [],
      parked: [],
      deadLetters: [],
      attempts: [],
      cursors: [],
    })
  })

  it('finds events by user and the most recent events, newest first', async () => {
    const store = ctx.store
    await ingest(store, ['u1a', 'u1b'], { userKey: 'user-1' })
    await ingest(store, ['u2a'], { userKey: 'user-2' })
    await ingest(store, ['u1c'], { userKey: 'user-1' })
    expect((await store.findEventsByUser('user-1')).map((e) => e.messageId)).toEqual(['u1c', 'u1b', 'u1a'])
    expect((await store.findEventsByUser('user-1', 2)).map((e) => e.messageId)).toEqual(['u1c', 'u1b'])
    expect(await store.findEventsByUser('nobody')).toEqual([])
    expect((await store.recentEvents(3)).map((e) => e.messageId)).toEqual(['u1c', 'u2a', 'u1b'])
    expect((await store.recentEvents(1))[0]).toMatchObject({
      messageId: 'u1c',
      userKey: 'user-1',
      sourceId: 'src',
    })
  })

  it("deletes one user's stored events and their history", async () => {
    const store = ctx.store
    await open(store)
    const [u1a] = await ingest(store, ['u1a', 'u1b'], { userKey: 'user-1' })
    const [u2a] = await ingest(store, ['u2a'], { userKey: 'user-2' })
    await store.commitProgress('dest', 'o1', {
      outcomes: [
        outcome({ outcome: 'failed', eventId: u1a, ordinal: 0, messageId: 'u1a', userKey: 'user-1' }),
        outcome({ outcome: 'failed', eventId: u2a, ordinal: 0, messageId: 'u2a', userKey: 'user-2' }),
      ],
    })
    expect(await store.deleteEventsOfUser('user-1')).toBe(2)
    expect(await store.findEventsByUser('user-1')).toEqual([])
    expect((await store.lookupEvent('u1a')).events).toEqual([])
    expect((await store.listOutcomes()).map((o) => o.messageId)).toEqual(['u2a'])
    expect((await store.findEventsByUser('user-2')).map((e) => e.id)).toEqual([u2a])
    expect(await store.deleteEventsOfUser('user-1')).toBe(0)
  })

  it('lists stored events of a time range in arrival order, by source and id range, page by page', async () => {
    const store = ctx.store
    await ingest(store, ['r1', 'r2'])
    await ingest(store, ['r3'], { sourceId: 'other', receivedAt: T0 + 10 })
    await ingest(store, ['r4', 'r5'], { receivedAt: T0 + 20 })
    const ids = (list: { messageId: string }[]): string[] => list.map((e) => e.messageId)
    expect(ids(await store.listEvents({ limit: 100 }))).toEqual(['r1', 'r2', 'r3', 'r4', 'r5'])
    expect(ids(await store.listEvents({ from: T0 + 10, limit: 100 }))).toEqual(['r3', 'r4', 'r5'])
    expect(ids(await store.listEvents({ from: T0, to: T0 + 20, limit: 100 }))).toEqual(['r1', 'r2', 'r3'])
    expect(ids(await store.listEvents({ sourceId: 'src', limit: 100 }))).toEqual(['r1', 'r2', 'r4', 'r5'])
    expect(await store.listEvents({ from: T0 + 21, limit: 100 })).toEqual([])
    expect(await store.eventIdRange({ from: T0 + 30 })).toBeNull()
    const range = await store.eventIdRange({ from: T0 + 5, to: T0 + 21 })
    const all = await store.listEvents({ limit: 100 })
    expect(range).toEqual({ firstId: all[2].id, lastId: all[4].id })
    expect(ids(await store.listEvents({ afterId: all[0].id, lastId: all[3].id, limit: 100 }))).toEqual([
      'r2',
      'r3',
      'r4',
    ])
    const first = await store.listEvents({ sourceId: 'src', limit: 2 })
    expect(ids(first)).toEqual(['r1', 'r2'])
    const next = await store.listEvents({ sourceId: 'src', afterId: first[1].id, limit: 2 })
    expect(ids(next)).toEqual(['r4', 'r5'])
    expect(next[0]).toMatchObject({ sourceId: 'src', receivedAt: T0 + 20 })
    expect(JSON.parse(next[0].body)).toBeTruthy()
  })

  it('leaves replayed copies out of a time range (a replay sends their original again)', async () => {
    const store = ctx.store
    await ingest(store, ['o1', 'o2'])
    const [o1] = await store.listEvents({ limit: 1 })
    await store.ingest({
      sourceId: o1.sourceId,
      receivedAt: T0 + 1,
      revision: 0,
      replay: { destinationId: null },
      events: [{ messageId: 'o1', body: o1.body, size: o1.size, replayOf: o1.id }],
    })
    expect((await store.listEvents({ limit: 100 })).map((e) => e.messageId)).toEqual(['o1', 'o2'])
    expect((await store.lookupEvent('o1')).events).toHaveLength(2)
  })

  it('keeps the attempts log within its row and byte caps and truncates huge bodies', async () => {
    let store = await ctx.reopen({ maxAttemptRows: 5, maxAttemptBytes: 1_000_000, maxAttemptBodyBytes: 100 })
    await open(store)
    for (let i = 0; i < 8; i++) {
      const requestBody = JSON.stringify({ i, events: 'x'.repeat(i === 7 ? 500 : 10) })
      await store.commitProgress('dest', 'o1', {
        attempts: [attempt({ requestBody, responseBody: '{"msg":"ok"}', jobCount: i, at: T0 + i })],
      })
    }
    const newest = await store.listAttempts({ limit: 1 })
    expect(newest[0]).toMatchObject({ jobCount: 7, responseStatus: 200, durationMs: 12, at: T0 + 7 })
    expect(Buffer.byteLength(newest[0].requestBody ?? '')).toBeLessThanOrEqual(100)
    expect(newest[0].requestBody).toContain('[truncated]')
    expect((await store.listAttempts({ destinationId: 'other' })).length).toBe(0)
    const result = await store.prune({ now: T0 })
    expect(result.attempts).toBe(3)
    const kept = await store.listAttempts()
    expect(kept.map((a) => a.jobCount)).toEqual([7, 6, 5, 4, 3])
    expect((await store.listAttempts({ before: kept[1].id, limit: 2 })).map((a) => a.jobCount)).toEqual([
      5, 4,
    ])

    store = await ctx.reopen({ maxAttemptRows: 100, maxAttemptBytes: 250 })
    await store.prune({ now: T0 })
    const byBytes = await store.listAttempts()
    expect(byBytes.length).toBeGreaterThan(0)
    expect(byBytes.length).toBeLessThan(5)
    expect(byBytes[0].jobCount).toBe(7)
  })
}
