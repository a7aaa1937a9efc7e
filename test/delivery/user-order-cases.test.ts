// A user's order in the cases that bend it: items parked before a restart, dead letters replayed
// behind events not read yet, a custom event waiting for its user while the identify passes it, and
// a 429 storm that gives bodies back unsent.
import { afterEach, describe, expect, it } from 'vitest'
import type { ParkedItem } from '../../src/store/index.js'
import { createHarness, identify, track, type Harness } from './harness.js'

let harness: Harness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

const OWNER = 'before-restart'

/** Event names of a user's events in the sandbox, in the order Iterable took them. */
function eventNames(h: Harness, find: { userId?: string; email?: string }): string[] {
  const project = h.sandbox.state.project()
  const user =
    find.userId !== undefined ? project.findByUserId(find.userId) : project.findByEmail(find.email ?? '')
  return [...(user?.events ?? [])].sort((a, b) => a.seq - b.seq).map((event) => event.eventName ?? '')
}

function parkedTrack(eventId: number, messageId: string, userId: string, eventName: string): ParkedItem {
  const now = Date.now()
  return {
    eventId,
    ordinal: 0,
    position: eventId,
    messageId,
    mappingId: null,
    action: 'trackEvent',
    lane: '/api/events/track',
    keys: [`u:${userId}`],
    payload: JSON.stringify({ path: '/api/events/track', body: { userId, eventName } }),
    attempts: 1,
    firstEnqueuedAt: now,
    runAt: now,
    held: false,
    waitingForUser: false,
    lastError: '503 Service Unavailable',
    statusCode: 503,
    errorCode: null,
  }
}

describe("a user's order across restarts and replays", () => {
  it("an item parked before a restart goes after its user's earlier events the cursor had not passed", async () => {
    harness = await createHarness({ start: false })
    const { store, destination } = harness
    // A delivery before the restart: it read both events; the second's item was parked, the first's
    // was still in memory (so the cursor stayed before both).
    await store.openDelivery(destination.id, OWNER, { leaseMs: 60_000 })
    await harness.send([track('ann', 'First', {}, 'ann-first')])
    await harness.send([track('ann', 'Second', {}, 'ann-second')])
    const [, second] = await store.readLog(0, 10)
    await store.commitProgress(destination.id, OWNER, {
      park: [parkedTrack(second.id, 'ann-second', 'ann', 'Second (parked)')],
    })
    await store.closeDelivery(destination.id, OWNER)

    await harness.service.start()
    await harness.waitFor(() => eventNames(harness!, { userId: 'ann' }).length >= 2)
    await new Promise((r) => setTimeout(r, 200))
    // The parked copy stands for the second event: the event is not sent a second time.
    expect(eventNames(harness, { userId: 'ann' })).toEqual(['First', 'Second (parked)'])
  })

  it('a replayed dead letter goes after the events received before the replay, before those after it', async () => {
    harness = await createHarness({ start: false })
    const { store, destination } = harness
    await store.openDelivery(destination.id, OWNER, { leaseMs: 60_000 })
    const now = Date.now()
    await store.commitProgress(destination.id, OWNER, {
      deadLetters: [
        {
          eventId: 999_999,
          ordinal: 0,
          messageId: 'bo-lost',
          mappingId: null,
          action: 'trackEvent',
          lane: '/api/events/track',
          keys: ['u:bo'],
          payload: JSON.stringify({
            path: '/api/events/track',
            body: { userId: 'bo', eventName: 'Replayed' },
          }),
          attempts: 3,
          firstEnqueuedAt: now,
          lastError: 'outage',
          reason: 'retry window exhausted',
          code: 'HTTP_503',
          statusCode: 503,
          deadAt: now,
        },
      ],
    })
    await harness.send([track('bo', 'Before 1'), track('bo', 'Before 2')])
    expect(
      await store.replayDeadLetters({ ids: (await store.listDeadLetters()).items.map((d) => d.id) }),
    ).toBe(1)
    await harness.send([track('bo', 'After')])
    await store.closeDelivery(destination.id, OWNER)

    await harness.service.start()
    await harness.waitFor(() => eventNames(harness!, { userId: 'bo' }).length === 4)
    expect(eventNames(harness, { userId: 'bo' })).toEqual(['Before 1', 'Before 2', 'Replayed', 'After'])
  })
})

describe('an item waiting for its user', () => {
  it("lets the identify that creates the user pass, and keeps the user's other events behind it", async () => {
    harness = await createHarness({
      sandbox: { projects: [{ type: 'email', apiKeys: ['ek'] }] },
      apiKey: 'ek',
      delivery: { notFoundWindowMs: 5_000, retryBaseMs: 50, retryMaxDelayMs: 100 },
    })
    const byEmail = (event: Record<string, unknown>) => ({
      ...event,
      userId: undefined,
      anonymousId: 'anon-cy',
      context: { traits: { email: 'cy@example.com' } },
    })
    await harness.send([
      byEmail(track('cy', 'Viewed', {}, 'cy-viewed')),
      identify('cy', 'cy@example.com'),
      byEmail(track('cy', 'Bought')),
    ])
    await harness.waitFor(() => eventNames(harness!, { email: 'cy@example.com' }).length === 2, 8_000)
    expect(eventNames(harness, { email: 'cy@example.com' })).toEqual(['Viewed', 'Bought'])
    expect((await harness.store.listDeadLetters()).items).toEqual([])
    // The first answer was "not found": the event waited for the identify instead of dying.
    const viewed = await harness.store.lookupEvent('cy-viewed')
    expect(viewed.outcomes.map((o) => [o.outcome, o.errorCode])).toContainEqual([
      'retrying',
      'notFoundEmails',
    ])
  })
})

describe('a 429 storm', () => {
  it("bodies given back unsent keep every user's events in order", async () => {
    harness = await createHarness({
      sandbox: { seed: 7, faults: { throttleRate: 0.3 } },
      delivery: { bulkConcurrency: 3, concurrency: 4 },
    })
    const users = Array.from({ length: 30 }, (_, u) => `storm-${u}`)
    for (let step = 0; step < 5; step++) {
      await harness.send(users.map((userId) => track(userId, `Step ${step}`)))
    }
    await harness.waitFor(
      () => users.every((userId) => eventNames(harness!, { userId }).length === 5),
      60_000,
    )
    const wrong = users.filter(
      (userId) => eventNames(harness!, { userId }).join() !== 'Step 0,Step 1,Step 2,Step 3,Step 4',
    )
    expect(wrong).toEqual([])
    const throttled = harness.sandbox.stats.snapshot().endpoints['/api/events/trackBulk']?.requests['429']
    expect(throttled ?? 0).toBeGreaterThan(0)
  }, 90_000)
})
