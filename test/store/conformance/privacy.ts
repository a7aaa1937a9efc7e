// Conformance, the right to be forgotten: the salt, the forgotten set, deleting one user's data
// (events, outcomes, parked items, dead letters, attempts) and the privacy audit.
import { expect, it } from 'vitest'
import type { Store } from '../../../src/store/index.js'
import { attempt, deadLetter, ingest, open, outcome, parked, T0, type StoreContext } from './fixtures.js'

/** An event of ann filed under her userId whose traits carry her email (mixed case). */
async function ingestAnn(store: Store): Promise<number> {
  const body = JSON.stringify({ type: 'identify', userId: 'ann-1', traits: { email: 'Ann@Example.com' } })
  const result = await store.ingest({
    sourceId: 'src',
    receivedAt: T0,
    revision: 1,
    events: [{ messageId: 'ann-identify', body, size: body.length, userKey: 'ann-1' }],
  })
  return result.accepted[0].eventId
}

export function privacySection(ctx: StoreContext): void {
  it('makes one salt per store, the same for every connection', async () => {
    const salt = await ctx.store.forgetSalt()
    expect(salt).toMatch(/^[0-9a-f]{64}$/)
    expect(await ctx.store.forgetSalt()).toBe(salt)
    const other = await ctx.second()
    expect(await other.forgetSalt()).toBe(salt)
  })

  it('keeps a forgotten set of hashes: added once, removed, listed sorted, seen by other connections', async () => {
    const store = ctx.store
    expect(await store.listForgotten()).toEqual([])
    expect(await store.addForgotten(['bbb', 'aaa'])).toBe(2)
    expect(await store.addForgotten(['aaa', 'ccc'])).toBe(1)
    expect(await store.addForgotten([])).toBe(0)
    const other = await ctx.second()
    expect(await other.listForgotten()).toEqual(['aaa', 'bbb', 'ccc'])
    expect(await other.removeForgotten(['bbb', 'zzz'])).toBe(1)
    expect(await store.removeForgotten([])).toBe(0)
    expect(await store.listForgotten()).toEqual(['aaa', 'ccc'])
  })

  it('bumps the forgotten revision with every change of the set, and records the revision each node holds', async () => {
    const store = ctx.store
    const start = await store.forgottenRevision()
    expect(await store.addForgotten(['r1', 'r2'])).toBe(2)
    const afterAdd = await store.forgottenRevision()
    expect(afterAdd).toBeGreaterThan(start)
    // Nothing new, nothing removed: the set and its revision stay.
    expect(await store.addForgotten(['r1'])).toBe(0)
    expect(await store.removeForgotten(['none'])).toBe(0)
    expect(await store.forgottenRevision()).toBe(afterAdd)
    const other = await ctx.second()
    expect(await other.removeForgotten(['r2'])).toBe(1)
    const afterRemove = await store.forgottenRevision()
    expect(afterRemove).toBeGreaterThan(afterAdd)

    const node = { id: 'node-seen', startedAt: T0, host: 'h', pid: 1, version: 'v' }
    // No row before the node's first heartbeat.
    expect(await store.markForgottenSeen(node.id, afterAdd)).toBe(false)
    await store.heartbeat(node, 60_000, T0)
    const seen = async () => (await other.listNodes()).find((n) => n.id === node.id)?.forgottenSeen
    expect(await seen()).toBe(0)
    expect(await store.markForgottenSeen(node.id, afterRemove)).toBe(true)
    expect(await seen()).toBe(afterRemove)
    // Never goes back (a slower check reporting an older revision), and a heartbeat keeps it.
    expect(await store.markForgottenSeen(node.id, afterAdd)).toBe(true)
    await store.heartbeat(node, 60_000, T0 + 1000)
    expect(await seen()).toBe(afterRemove)
  })

  it("deletes one user's data: events, their outcomes, parked items, dead letters and requests", async () => {
    const store = ctx.store
    await open(store)
    const ann = await ingestAnn(store)
    // Bob's event mentions nobody else; an event filed under ann's email by another source.
    const [bob] = await ingest(store, ['bob-1'], { userKey: 'bob' })
    const [annByEmail] = await ingest(store, ['ann-email'], { userKey: 'ann@example.com' })
    await store.commitProgress('dest', 'o1', {
      park: [
        parked(ann, 0, { keys: ['u:ann-1', 'e:ann@example.com'] }),
        parked(bob, 0, { keys: ['u:bob'] }),
        // Parked by key alone (a replayed dead letter whose event is gone).
        parked(999, 0, { keys: ['e:ann@example.com'], messageId: 'gone' }),
      ],
      deadLetters: [
        deadLetter(annByEmail, 0, { keys: ['e:ann@example.com'] }),
        deadLetter(bob, 1, { keys: ['u:bob'] }),
      ],
      outcomes: [
        outcome({
          outcome: 'retrying',
          eventId: ann,
          ordinal: 0,
          messageId: 'ann-identify',
          userKey: 'ann-1',
        }),
        outcome({ outcome: 'failed', eventId: 5000, ordinal: 0, messageId: 'x', userKey: 'ann-1' }),
        outcome({ outcome: 'failed', eventId: bob, ordinal: 0, messageId: 'bob-1', userKey: 'bob' }),
      ],
      attempts: [
        attempt({ requestBody: '{"users":[{"email":"ann@example.com"},{"email":"zed@example.com"}]}' }),
        attempt({ requestBody: '{"users":[{"userId":"bob"}]}' }),
        attempt({
          requestBody: null,
          responseBody: '{"failedUpdates":{"forgottenEmails":["ann@example.com"]}}',
        }),
        attempt({ requestBody: '{"events":[{"userId":"ann-1","eventName":"x"}]}' }),
      ],
    })
    const deleted = await store.deleteUserData({
      userKeys: ['ann-1', 'ann@example.com'],
      orderingKeys: ['u:ann-1', 'e:ann@example.com'],
      mentions: ['"ann@example.com"', '"userId":"ann-1"'],
    })
    expect(deleted).toEqual({ events: 2, outcomes: 2, parked: 2, deadLetters: 1, attempts: 3 })
    expect((await store.recentEvents(10)).map((e) => e.messageId)).toEqual(['bob-1'])
    expect((await store.listOutcomes()).map((o) => o.messageId)).toEqual(['bob-1'])
    expect((await store.listDeadLetters()).items.map((d) => d.eventId)).toEqual([bob])
    expect((await store.listAttempts()).map((a) => a.requestBody)).toEqual(['{"users":[{"userId":"bob"}]}'])
    const state = await store.openDelivery('dest', 'o1', { leaseMs: 10_000, force: true })
    expect(state?.items.map((i) => i.eventId)).toEqual([bob])
    // Nothing of hers is left: a second run deletes nothing.
    expect(
      await store.deleteUserData({
        userKeys: ['ann-1'],
        orderingKeys: ['u:ann-1'],
        mentions: ['"userId":"ann-1"'],
      }),
    ).toEqual({ events: 0, outcomes: 0, parked: 0, deadLetters: 0, attempts: 0 })
  })

  it('audits privacy actions without identifiers, newest first, page by page', async () => {
    const store = ctx.store
    const first = await store.recordPrivacyAction({
      at: T0,
      action: 'forget',
      subjectHash: 'h1',
      outcome: 'succeeded',
      projects: [{ destinationId: 'dest', outcome: 'succeeded', status: 200, code: 'Success' }],
      deleted: { events: 1, outcomes: 0, parked: 0, deadLetters: 0, attempts: 0 },
    })
    expect(first).toMatchObject({ action: 'forget', subjectHash: 'h1', outcome: 'succeeded' })
    const second = await store.recordPrivacyAction({
      at: T0 + 1,
      action: 'unforget',
      subjectHash: 'h1',
      outcome: 'failed',
      projects: [{ destinationId: 'dest', outcome: 'failed', status: 429, code: 'RateLimitExceeded' }],
      deleted: null,
    })
    expect(second.id).toBeGreaterThan(first.id)
    expect(await store.listPrivacyActions()).toEqual([second, first])
    expect(await store.listPrivacyActions({ before: second.id })).toEqual([first])
    expect(await store.listPrivacyActions({ limit: 1 })).toEqual([second])
  })
}
