// Conformance, dead letters: listing by filter and page, replay (parked again at the log head as new
// receipts, at most once), discard.
import { expect, it } from 'vitest'
import type { Store } from '../../../src/store/index.js'
import { deadLetter, ingest, open, payload, T0, type StoreContext } from './fixtures.js'

/** d1 and d2 at dest, d3 at dest2. */
async function seedDead(store: Store): Promise<void> {
  await open(store)
  await open(store, 'dest2')
  await store.commitProgress('dest', 'o1', {
    deadLetters: [
      deadLetter(1, 0, { messageId: 'd1', mappingId: 'm1', deadAt: T0 + 1000 }),
      deadLetter(2, 3, {
        messageId: 'd2',
        mappingId: 'm2',
        lane: '/api/events/trackBulk',
        reason: 'Retry window exceeded',
        code: 'retry_window',
        statusCode: null,
        deadAt: T0 + 2000,
      }),
    ],
  })
  await store.commitProgress('dest2', 'o1', {
    deadLetters: [deadLetter(3, 0, { messageId: 'd3', mappingId: 'm1', deadAt: T0 + 3000 })],
  })
}

export function deadLetterSection(ctx: StoreContext): void {
  it('lists dead letters with their reason, by filter and page by page', async () => {
    const store = ctx.store
    await seedDead(store)
    const all = await store.listDeadLetters()
    expect(all.items.map((d) => d.messageId)).toEqual(['d1', 'd2', 'd3'])
    expect(all.nextCursor).toBeNull()
    expect(all.items[1]).toMatchObject({
      destinationId: 'dest',
      eventId: 2,
      ordinal: 3,
      lane: '/api/events/trackBulk',
      attempts: 3,
      reason: 'Retry window exceeded',
      code: 'retry_window',
      statusCode: null,
      deadAt: T0 + 2000,
      replayedAt: null,
    })
    const ms = (f: Parameters<Store['listDeadLetters']>[0]) =>
      store.listDeadLetters(f).then((p) => p.items.map((d) => d.messageId))
    expect(await ms({ destinationId: 'dest' })).toEqual(['d1', 'd2'])
    expect(await ms({ mappingId: 'm1' })).toEqual(['d1', 'd3'])
    expect(await ms({ code: 'http_400' })).toEqual(['d1', 'd3'])
    expect(await ms({ reasonContains: 'window' })).toEqual(['d2'])
    expect(await ms({ from: T0 + 2000, to: T0 + 3000 })).toEqual(['d2'])
    const page1 = await store.listDeadLetters({}, { limit: 2 })
    expect(page1.items).toHaveLength(2)
    const page2 = await store.listDeadLetters({}, { limit: 2, after: page1.nextCursor! })
    expect(page2.items.map((d) => d.messageId)).toEqual(['d3'])
    expect(page2.nextCursor).toBeNull()
    expect((await store.getDeadLetter(page2.items[0].id))?.statusCode).toBe(400)
    expect(await store.getDeadLetter(page2.items[0].id + 100)).toBeNull()
  })

  it('replays by ids and by filter: parked again at the log head as new receipts, at most once', async () => {
    const store = ctx.store
    await seedDead(store)
    await ingest(store, ['x', 'y'])
    const head = await store.logHead()
    const [d1] = (await store.listDeadLetters()).items
    expect(await store.replayDeadLetters({ ids: [d1.id] }, T0 + 10_000)).toBe(1)
    expect(await store.replayDeadLetters({ ids: [d1.id] }, T0 + 10_001)).toBe(0)
    expect((await store.getDeadLetter(d1.id))?.replayedAt).toBe(T0 + 10_000)
    expect((await store.listDeadLetters()).items.map((d) => d.messageId)).toEqual(['d2', 'd3'])
    expect((await store.listDeadLetters({ includeReplayed: true })).items).toHaveLength(3)
    expect((await open(store)).items).toEqual([
      {
        id: expect.any(Number),
        destinationId: 'dest',
        eventId: 1,
        ordinal: 0,
        position: head,
        messageId: 'd1',
        mappingId: 'm1',
        action: 'trackEvent',
        lane: '/api/events/track',
        keys: ['u:user-1'],
        payload: payload('1/0'),
        attempts: 0,
        firstEnqueuedAt: T0 + 10_000,
        runAt: T0 + 10_000,
        held: false,
        waitingForUser: false,
        lastError: null,
        statusCode: null,
        errorCode: null,
      },
    ])

    // By filter: only those not replayed yet; positioned at the head of the time of the replay.
    await ingest(store, ['z'])
    expect(await store.replayDeadLetters({ filter: { code: 'http_400' } }, T0 + 20_000)).toBe(1)
    expect((await open(store, 'dest2')).items).toMatchObject([
      { messageId: 'd3', position: await store.logHead(), firstEnqueuedAt: T0 + 20_000, attempts: 0 },
    ])
    expect((await open(store)).items.map((i) => i.messageId)).toEqual(['d1'])
  })

  it('discards by ids and by filter', async () => {
    const store = ctx.store
    await seedDead(store)
    const [d1] = (await store.listDeadLetters()).items
    expect(await store.discardDeadLetters({ ids: [d1.id] })).toBe(1)
    expect(await store.discardDeadLetters({ filter: { destinationId: 'dest2' } })).toBe(1)
    expect((await store.listDeadLetters()).items.map((d) => d.messageId)).toEqual(['d2'])
  })
}

export function deadLetterGroupSection(ctx: StoreContext): void {
  /** Two field-type refusals of `price`, one of `size`, and d1–d3 of seedDead. */
  async function seedGroups(store: Store): Promise<void> {
    await seedDead(store)
    const refused = { code: 'RequestFieldsTypesMismatched', reason: 'price is not a number', field: 'price' }
    await store.commitProgress('dest', 'o1', {
      deadLetters: [
        deadLetter(4, 0, { messageId: 'f1', mappingId: 'm1', deadAt: T0 + 4000, ...refused }),
        deadLetter(5, 0, { messageId: 'f2', mappingId: 'm1', deadAt: T0 + 5000, ...refused }),
        deadLetter(6, 0, {
          messageId: 'f3',
          mappingId: 'm1',
          deadAt: T0 + 6000,
          code: 'RequestFieldsTypesMismatched',
          reason: 'size is not a number',
          field: 'size',
        }),
      ],
    })
  }

  it('keeps the field Iterable named, and counts what a filter matches', async () => {
    const store = ctx.store
    await seedGroups(store)
    const all = await store.listDeadLetters()
    expect(all.items.map((d) => [d.messageId, d.field])).toEqual([
      ['d1', null],
      ['d2', null],
      ['d3', null],
      ['f1', 'price'],
      ['f2', 'price'],
      ['f3', 'size'],
    ])
    expect(await store.countDeadLetters()).toBe(6)
    expect(await store.countDeadLetters({ destinationId: 'dest' })).toBe(5)
    expect(await store.countDeadLetters({ field: 'price' })).toBe(2)
    expect(await store.countDeadLetters({ field: null })).toBe(3)
    expect(await store.countDeadLetters({ reason: 'size is not a number' })).toBe(1)
    // The exact reason, not a part of it.
    expect(await store.countDeadLetters({ reason: 'size' })).toBe(0)
    await store.replayDeadLetters({ filter: { field: 'size' } }, T0 + 10_000)
    expect(await store.countDeadLetters()).toBe(5)
    expect(await store.countDeadLetters({ includeReplayed: true })).toBe(6)
  })

  it('groups alike dead letters, the largest first, and a group is replayed or discarded as one', async () => {
    const store = ctx.store
    await seedGroups(store)
    const groups = await store.groupDeadLetters({ destinationId: 'dest' })
    expect(groups[0]).toEqual({
      destinationId: 'dest',
      mappingId: 'm1',
      action: 'trackEvent',
      code: 'RequestFieldsTypesMismatched',
      reason: 'price is not a number',
      field: 'price',
      count: 2,
      firstDeadAt: T0 + 4000,
      lastDeadAt: T0 + 5000,
    })
    expect(groups.map((g) => [g.field, g.count])).toEqual([
      ['price', 2],
      [null, 1],
      [null, 1],
      ['size', 1],
    ])
    expect(await store.groupDeadLetters({}, 2)).toHaveLength(2)
    const { mappingId, code, reason, field, destinationId } = groups[0]
    const group = { destinationId, mappingId: mappingId as string, code, reason, field }
    expect(await store.replayDeadLetters({ filter: group }, T0 + 10_000)).toBe(2)
    expect((await open(store)).items.map((i) => i.messageId)).toEqual(['f1', 'f2'])
    expect(
      await store.discardDeadLetters({ filter: { ...group, field: 'size', reason: 'size is not a number' } }),
    ).toBe(1)
    expect((await store.listDeadLetters()).items.map((d) => d.messageId)).toEqual(['d1', 'd2', 'd3'])
  })
}
