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
