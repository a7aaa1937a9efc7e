// Conformance, delivery: each destination's cursor with its lease (one owner at a time), and the
// flush of progress, fenced by the lease: cursor forward only, parked items, dead letters, history,
// requests and counters in one transaction.
import { expect, it } from 'vitest'
import { StoreError, type DeliveryProgress } from '../../../src/store/index.js'
import {
  attempt,
  deadLetter,
  ingest,
  MINUTE,
  open,
  outcome,
  parked,
  payload,
  refs,
  T0,
  type StoreContext,
} from './fixtures.js'

export function deliverySection(ctx: StoreContext): void {
  it('creates the cursor at the log head and leases it to one owner at a time', async () => {
    const store = ctx.store
    const ids = await ingest(store, ['a', 'b', 'c'])
    const lease = { leaseMs: 1000 }
    expect(await store.openDelivery('dest', 'o1', { ...lease, now: T0 })).toEqual({
      cursor: ids[2],
      items: [],
      settled: [],
    })
    // Events received later are after the cursor; opening again (same owner) renews, cursor kept.
    const later = await ingest(store, ['d'])
    expect((await store.readLog(ids[2], 10)).map((e) => e.id)).toEqual(later)
    expect((await store.openDelivery('dest', 'o1', { ...lease, now: T0 + 10 }))?.cursor).toBe(ids[2])

    // Another owner gets nothing until the lease (T0 + 1010) expires.
    expect(await store.openDelivery('dest', 'o2', { ...lease, now: T0 + 500 })).toBeNull()
    expect(await store.openDelivery('dest', 'o2', { ...lease, now: T0 + 1009 })).toBeNull()
    expect((await store.openDelivery('dest', 'o2', { ...lease, now: T0 + 1010 }))?.cursor).toBe(ids[2])
    expect(await store.renewDelivery('dest', 'o1', 1000, T0 + 1020)).toBe(false)
    expect(await store.renewDelivery('dest', 'o2', 5000, T0 + 1020)).toBe(true)
    expect((await store.deliveryStats())[0]).toMatchObject({ owner: 'o2', leaseUntil: T0 + 6020 })

    // `force` takes a live lease.
    const forced = await store.openDelivery('dest', 'o3', { ...lease, now: T0 + 1030, force: true })
    expect(forced?.cursor).toBe(ids[2])
    expect(await store.renewDelivery('dest', 'o2', 1000, T0 + 1040)).toBe(false)

    // Closing gives it up (only for the holder): anyone may open at once.
    await store.closeDelivery('dest', 'o2')
    expect((await store.deliveryStats())[0]).toMatchObject({ owner: 'o3', leaseUntil: T0 + 2030 })
    await store.closeDelivery('dest', 'o3')
    expect((await store.deliveryStats())[0]).toMatchObject({ owner: null, leaseUntil: null })
    expect(await store.openDelivery('dest', 'o4', { ...lease, now: T0 + 1050 })).not.toBeNull()

    // Each destination has its own cursor, created at the head of its first opening.
    expect((await store.openDelivery('dest2', 'o1', { ...lease, now: T0 + 1060 }))?.cursor).toBe(later[0])
    expect((await store.deliveryStats()).map((s) => [s.destinationId, s.cursor])).toEqual([
      ['dest', ids[2]],
      ['dest2', later[0]],
    ])
  })

  it('leases every destination of one Iterable project to one owner at a time', async () => {
    const store = ctx.store
    await ingest(store, ['a'])
    const lease = { leaseMs: 1000, project: 'p1' }
    expect(await store.openDelivery('d1', 'o1', { ...lease, now: T0 })).not.toBeNull()
    // o2 may not open another destination of p1 (new or existing) while o1's lease lives…
    expect(await store.openDelivery('d2', 'o2', { ...lease, now: T0 + 10 })).toBeNull()
    expect(await store.openDelivery('d2', 'o1', { ...lease, now: T0 + 20 })).not.toBeNull()
    expect(await store.openDelivery('d3', 'o2', { ...lease, now: T0 + 30 })).toBeNull()
    // …but destinations of another project, or without one, are free.
    expect(
      await store.openDelivery('d4', 'o2', { leaseMs: 1000, project: 'p2', now: T0 + 40 }),
    ).not.toBeNull()
    expect(await store.openDelivery('d5', 'o2', { leaseMs: 1000, now: T0 + 50 })).not.toBeNull()
    // o1 gives d1 up but still holds d2: p1 stays with o1.
    await store.closeDelivery('d1', 'o1')
    expect(await store.openDelivery('d1', 'o2', { ...lease, now: T0 + 60 })).toBeNull()
    // Once o1's leases expire (d2 until T0 + 1020), o2 takes the project over; forcing ignores it.
    expect(await store.openDelivery('d1', 'o2', { ...lease, now: T0 + 1019 })).toBeNull()
    expect(await store.openDelivery('d1', 'o2', { ...lease, now: T0 + 1020 })).not.toBeNull()
    expect(await store.openDelivery('d2', 'o2', { ...lease, now: T0 + 1030 })).not.toBeNull()
    expect(await store.openDelivery('d3', 'o3', { ...lease, now: T0 + 1040, force: true })).not.toBeNull()
    const owners = Object.fromEntries((await store.deliveryStats()).map((s) => [s.destinationId, s.owner]))
    expect(owners).toEqual({ d1: 'o2', d2: 'o2', d3: 'o3', d4: 'o2', d5: 'o2' })
  })

  it('records node heartbeats, lists the nodes, forgets silent ones and removes a leaving one', async () => {
    const store = ctx.store
    const node = (id: string, startedAt: number) => ({ id, startedAt, host: 'h', pid: 7, version: '1.0.0' })
    await store.heartbeat(node('n1', T0), 60_000, T0)
    await store.heartbeat(node('n2', T0 + 5), 60_000, T0 + 5)
    await store.heartbeat(node('n1', T0), 60_000, T0 + 5000)
    expect(await store.listNodes()).toEqual([
      { ...node('n1', T0), heartbeatAt: T0 + 5000, forgottenSeen: 0 },
      { ...node('n2', T0 + 5), heartbeatAt: T0 + 5, forgottenSeen: 0 },
    ])
    // n2 has been silent for more than the forget window at n1's next beat.
    await store.heartbeat(node('n1', T0), 60_000, T0 + 70_000)
    expect((await store.listNodes()).map((n) => n.id)).toEqual(['n1'])
    await store.leaveCluster('n1')
    expect(await store.listNodes()).toEqual([])
  })

  it('creates a destination with its cursor at the log head: delivery opened later starts from there', async () => {
    const store = ctx.store
    const [before] = await ingest(store, ['a'])
    await store.createDestination({ id: 'dest', name: 'D', kind: 'iterable' })
    const after = await ingest(store, ['b', 'c'])
    expect((await store.deliveryStats())[0]).toMatchObject({
      destinationId: 'dest',
      cursor: before,
      owner: null,
    })
    expect(await open(store)).toEqual({ cursor: before, items: [], settled: [] })
    expect((await store.readLog(before, 10)).map((e) => e.id)).toEqual(after)
  })

  it('moves the cursor only forward', async () => {
    const store = ctx.store
    await open(store)
    const ids = await ingest(store, ['a', 'b', 'c', 'd'])
    const cursor = async () => (await store.deliveryStats())[0].cursor
    await store.commitProgress('dest', 'o1', { cursor: ids[2] })
    expect(await cursor()).toBe(ids[2])
    await store.commitProgress('dest', 'o1', { cursor: ids[0] })
    expect(await cursor()).toBe(ids[2])
    await store.commitProgress('dest', 'o1', {})
    expect(await cursor()).toBe(ids[2])
    await ctx.reopen()
    expect((await open(ctx.store)).cursor).toBe(ids[2])
  })

  it('parks, replaces and unparks items; opening returns them in order (position, then arrival)', async () => {
    const store = ctx.store
    await open(store)
    await store.commitProgress('dest', 'o1', {
      park: [
        parked(5, 0, { position: 10 }),
        parked(3, 1),
        parked(4, 0, { held: true, attempts: 0, lastError: null, statusCode: null }),
        parked(3, 0, {
          keys: ['u:a', 'e:a@example.com'],
          mappingId: null,
          errorCode: 'rate_limited',
          waitingForUser: true,
        }),
      ],
    })
    const first = await open(store)
    expect(first.items.map((i) => [i.eventId, i.ordinal])).toEqual([
      [3, 1],
      [3, 0],
      [4, 0],
      [5, 0],
    ])
    expect(first.items[1]).toEqual({
      ...parked(3, 0, {
        keys: ['u:a', 'e:a@example.com'],
        mappingId: null,
        errorCode: 'rate_limited',
        waitingForUser: true,
      }),
      id: expect.any(Number),
      destinationId: 'dest',
    })
    expect(first.items[2]).toMatchObject({ held: true, attempts: 0, lastError: null, statusCode: null })

    // Parking an item again replaces its retry state, in its place.
    const retry = {
      attempts: 2,
      runAt: T0 + 5000,
      held: true,
      waitingForUser: true,
      lastError: '429',
      statusCode: 429,
      errorCode: 'slow',
    }
    await store.commitProgress('dest', 'o1', { park: [parked(3, 1, retry)] })
    const second = await open(store)
    expect(second.items).toHaveLength(4)
    expect(second.items[0]).toMatchObject({ eventId: 3, ordinal: 1, id: first.items[0].id, ...retry })

    // Parked twice in one flush: as if parked one after the other.
    await store.commitProgress('dest', 'o1', {
      park: [parked(8, 0, { attempts: 1 }), parked(8, 0, { attempts: 3, position: 99, payload: '{}' })],
    })
    expect((await open(store)).items.find((i) => i.eventId === 8)).toMatchObject({
      attempts: 3,
      position: 8,
      payload: parked(8, 0).payload,
    })
    await store.commitProgress('dest', 'o1', { unpark: [{ eventId: 8, ordinal: 0 }] })

    // Unparked items go; an item parked and unparked in the same flush ends unparked.
    await store.commitProgress('dest', 'o1', {
      park: [parked(6, 0), parked(7, 0)],
      unpark: [
        { eventId: 3, ordinal: 1 },
        { eventId: 4, ordinal: 0 },
        { eventId: 7, ordinal: 0 },
      ],
    })
    expect((await open(store)).items.map((i) => [i.eventId, i.ordinal])).toEqual([
      [3, 0],
      [6, 0],
      [5, 0],
    ])
  })

  it('writes dead letters, outcomes, requests (with their events) and per-minute counters', async () => {
    const store = ctx.store
    await open(store)
    const ids = await ingest(store, ['a', 'b', 'c'], { userKey: 'user-1' })
    const delivered = { mappingId: 'map', action: 'trackEvent', outcome: 'delivered' as const }
    await store.commitProgress('dest', 'o1', {
      cursor: ids[2],
      deadLetters: [deadLetter(ids[0], 0, { messageId: 'a' })],
      outcomes: [
        outcome({
          outcome: 'dead',
          at: T0 + 1000,
          eventId: ids[0],
          ordinal: 0,
          messageId: 'a',
          userKey: 'user-1',
          statusCode: 400,
          errorCode: 'http_400',
          errorMessage: 'Invalid email',
          payload: payload('a'),
        }),
        outcome({
          outcome: 'failed',
          at: T0 + 1001,
          eventId: ids[1],
          ordinal: 1,
          messageId: 'b',
          mappingId: 'map2',
          action: 'updateCart',
          errorCode: 'validation',
          errorMessage: 'The root value is missing the required field "items".',
        }),
      ],
      attempts: [
        attempt({ eventIds: [ids[2], ids[0], ids[1]], jobCount: 3, requestBody: '{"events":[1,2,3]}' }),
        attempt({ responseStatus: null, responseBody: null, error: 'ECONNRESET', at: T0 + 2 }),
      ],
      counts: [
        { ...delivered, at: T0 + 5, count: 2 },
        { ...delivered, at: T0 + MINUTE - 1, count: 3 },
        { ...delivered, at: T0 + MINUTE, count: 1 },
        { mappingId: null, action: 'updateCart', outcome: 'failed', at: T0 + 1001, count: 1 },
      ],
    })
    // Counters add up across flushes too.
    await store.commitProgress('dest', 'o1', { counts: [{ ...delivered, at: T0 + 30, count: 4 }] })

    expect((await store.listDeadLetters()).items).toEqual([
      {
        ...deadLetter(ids[0], 0, { messageId: 'a' }),
        id: expect.any(Number),
        destinationId: 'dest',
        replayedAt: null,
      },
    ])
    expect(await store.listOutcomes()).toMatchObject([
      {
        outcome: 'failed',
        eventId: ids[1],
        ordinal: 1,
        mappingId: 'map2',
        errorCode: 'validation',
        payload: null,
      },
      {
        outcome: 'dead',
        destinationId: 'dest',
        eventId: ids[0],
        ordinal: 0,
        userKey: 'user-1',
        statusCode: 400,
        errorMessage: 'Invalid email',
        payload: payload('a'),
        at: T0 + 1000,
      },
    ])
    const [failedRequest, sent] = await store.listAttempts()
    expect(sent).toEqual({
      id: expect.any(Number),
      at: T0,
      destinationId: 'dest',
      endpoint: '/api/events/trackBulk',
      requestBody: '{"events":[1,2,3]}',
      responseStatus: 200,
      responseBody: '{"msg":"","code":"Success"}',
      durationMs: 12,
      jobCount: 3,
      eventIds: [ids[2], ids[0], ids[1]],
      error: null,
    })
    expect(failedRequest).toMatchObject({
      requestBody: null,
      responseStatus: null,
      error: 'ECONNRESET',
      eventIds: [],
    })

    const counts = await store.outcomeCounts({ from: T0, to: T0 + 2 * MINUTE, bucketMs: MINUTE })
    expect(counts).toEqual([
      {
        bucketStart: T0,
        destinationId: 'dest',
        mappingId: null,
        action: 'updateCart',
        outcome: 'failed',
        count: 1,
      },
      { bucketStart: T0, destinationId: 'dest', ...delivered, count: 9 },
      { bucketStart: T0 + MINUTE, destinationId: 'dest', ...delivered, count: 1 },
    ])
  })

  it('refuses a flush from an owner that lost the lease (not_owner) and writes none of it', async () => {
    const store = ctx.store
    await ingest(store, ['a', 'b'])
    const start = await store.openDelivery('dest', 'o1', { leaseMs: 1000, now: T0 })
    const ids = await ingest(store, ['c', 'd'])
    await store.openDelivery('dest', 'o2', { leaseMs: 1000, now: T0 + 1000 })
    const everything: DeliveryProgress = {
      cursor: ids[1],
      park: [parked(ids[0], 0)],
      deadLetters: [deadLetter(ids[1], 0)],
      outcomes: [outcome({ outcome: 'dead', eventId: ids[1], ordinal: 0 })],
      attempts: [attempt({ eventIds: [ids[0]] })],
      counts: [{ at: T0, mappingId: 'map', action: 'trackEvent', outcome: 'delivered', count: 1 }],
    }
    const refused = store.commitProgress('dest', 'o1', everything)
    await expect(refused).rejects.toBeInstanceOf(StoreError)
    await expect(refused).rejects.toMatchObject({ code: 'not_owner' })
    expect((await store.deliveryStats())[0]).toMatchObject({ cursor: start?.cursor, lanes: [] })
    expect((await store.listDeadLetters()).items).toEqual([])
    expect(await store.listOutcomes()).toEqual([])
    expect(await store.listAttempts()).toEqual([])
    expect(await store.outcomeCounts({ from: T0, to: T0 + MINUTE, bucketMs: MINUTE })).toEqual([])

    // The holder's flush of the same progress goes through.
    await store.commitProgress('dest', 'o2', everything)
    expect((await store.deliveryStats())[0]).toMatchObject({ cursor: ids[1], owner: 'o2' })
    expect(await store.listAttempts()).toHaveLength(1)
    // No lease at all (given up, or never opened): refused too.
    await store.closeDelivery('dest', 'o2')
    await expect(store.commitProgress('dest', 'o2', {})).rejects.toMatchObject({ code: 'not_owner' })
    await expect(store.commitProgress('nowhere', 'o1', {})).rejects.toMatchObject({ code: 'not_owner' })
  })

  it('a takeover sees every flush the old owner committed, and none commits after it', async () => {
    const other = await ctx.second()
    await ctx.store.openDelivery('dest', 'o1', { leaseMs: 60_000 })
    const committed: number[] = []
    const refused: number[] = []
    const flushing = (async () => {
      for (let i = 1; i < 5000 && refused.length < 5; i++) {
        try {
          await ctx.store.commitProgress('dest', 'o1', { park: [parked(i, 0)] })
          if (refused.length > 0) throw new Error(`flush ${i} committed after a refusal`)
          committed.push(i)
        } catch (error) {
          if ((error as StoreError).code !== 'not_owner') throw error
          refused.push(i)
        }
      }
    })()
    while (committed.length < 5) await new Promise((resolve) => setTimeout(resolve, 5))
    const state = await other.openDelivery('dest', 'o2', { leaseMs: 60_000, force: true })
    await flushing
    expect(refused).toHaveLength(5)
    expect(refs(state?.items ?? [])).toEqual(committed.map((i) => ({ eventId: i, ordinal: 0 })))
  })

  it('returns the items settled beyond the cursor: refusals and dead letters with an ordinal', async () => {
    const store = ctx.store
    await open(store)
    await open(store, 'dest2')
    const ids = await ingest(store, ['a', 'b', 'c'])
    await store.commitProgress('dest', 'o1', {
      cursor: ids[0],
      outcomes: [
        outcome({ outcome: 'failed', eventId: ids[0], ordinal: 0 }), // at or before the cursor
        outcome({ outcome: 'failed', eventId: ids[1], ordinal: 2 }),
        outcome({ outcome: 'dead', eventId: ids[2], ordinal: 0 }),
        outcome({ outcome: 'retrying', eventId: ids[1], ordinal: 0 }), // not final
        outcome({ outcome: 'failed', eventId: ids[2], ordinal: null }), // no item
      ],
    })
    await store.commitProgress('dest2', 'o1', {
      outcomes: [outcome({ outcome: 'dead', eventId: ids[2], ordinal: 1 })],
    })
    expect(refs((await open(store)).settled)).toEqual([
      { eventId: ids[1], ordinal: 2 },
      { eventId: ids[2], ordinal: 0 },
    ])
    expect(refs((await open(store, 'dest2')).settled)).toEqual([{ eventId: ids[2], ordinal: 1 }])
  })

  it('reports how far behind each destination is and its parked items per lane', async () => {
    const store = ctx.store
    await open(store)
    await open(store, 'dest2')
    const ids = await ingest(store, ['a', 'b', 'c'], { receivedAt: T0 + 100 })
    ids.push(...(await ingest(store, ['d'], { receivedAt: T0 + 200 })))
    await store.commitProgress('dest', 'o1', {
      cursor: ids[0],
      park: [
        parked(ids[1], 0, { firstEnqueuedAt: T0 + 100 }),
        parked(ids[2], 0, { held: true, firstEnqueuedAt: T0 + 150 }),
        parked(ids[2], 1, { lane: '/api/users/bulkUpdate', firstEnqueuedAt: T0 + 120 }),
      ],
    })
    await store.commitProgress('dest2', 'o1', { cursor: ids[3] })
    const leaseUntil = T0 + 60_000
    expect(await store.deliveryStats()).toEqual([
      {
        destinationId: 'dest',
        cursor: ids[0],
        behind: 3,
        oldestBehindAt: T0 + 100,
        lanes: [
          { lane: '/api/events/track', retrying: 1, held: 1, oldestEnqueuedAt: T0 + 100 },
          { lane: '/api/users/bulkUpdate', retrying: 1, held: 0, oldestEnqueuedAt: T0 + 120 },
        ],
        owner: 'o1',
        leaseUntil,
      },
      {
        destinationId: 'dest2',
        cursor: ids[3],
        behind: 0,
        oldestBehindAt: null,
        lanes: [],
        owner: 'o1',
        leaseUntil,
      },
    ])
  })

  it('deleteDestination removes its cursor and parked items, not its history', async () => {
    const store = ctx.store
    await store.createDestination({ id: 'dest', name: 'D', kind: 'iterable' })
    await store.createMapping({ destinationId: 'dest', name: 'T', trigger: 'true', action: 'trackEvent' })
    await open(store)
    const [id] = await ingest(store, ['a'])
    await store.commitProgress('dest', 'o1', {
      park: [parked(id, 0)],
      deadLetters: [deadLetter(id, 1)],
      outcomes: [outcome({ outcome: 'dead', eventId: id, ordinal: 1 })],
    })
    expect(await store.deleteDestination('dest')).toBe(true)
    expect(await store.deliveryStats()).toEqual([])
    expect(await store.listMappings('dest')).toEqual([])
    const lookup = await store.lookupEvent('a')
    expect(lookup).toMatchObject({ parked: [], cursors: [] })
    expect(lookup.deadLetters).toHaveLength(1)
    expect(lookup.outcomes).toHaveLength(1)
    // Delivering it again starts afresh, at the log head.
    expect(await open(store)).toEqual({ cursor: id, items: [], settled: [] })
  })
}
