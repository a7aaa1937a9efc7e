// Update Subscriptions (issue 16 item 1) sent by the real delivery service to the sandbox: single
// mode PATCH/DELETE per subscription item in order, batch mode one PUT per group and action with the
// users listed, a project without the Subscriptions API dead-letters once with a clear reason, and a
// 429 is retried until delivered.
import { afterEach, describe, expect, it } from 'vitest'
import { findPreset } from '../../src/iterable/presets.js'
import { presetMapping } from '../../src/config/index.js'
import type { MappingConfig } from '../../src/iterable/mappings.js'
import { attemptsLog as attempts, createHarness, drained, track, type Harness } from './harness.js'

let harness: Harness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

const SUBSCRIPTIONS = [
  { subscription_group_type: 'messageChannel', subscription_group_id: '1', action: 'unsubscribe' },
  { subscription_group_type: 'messageType', subscription_group_id: '12', action: 'subscribe' },
  { subscription_group_type: 'emailList', subscription_group_id: '7', action: 'subscribe' },
]

function mapping(batching: boolean, subscriptions: unknown = SUBSCRIPTIONS): MappingConfig {
  const preset = findPreset('Subscriptions Updated Calls')
  if (preset === undefined) throw new Error('preset missing')
  const base = presetMapping(preset)
  return { ...base, fields: { ...base.fields, subscriptions }, batching: { enabled: batching } }
}

function subscriptionsUpdated(userId: string | null, email?: string): Record<string, unknown> {
  const event = track(userId ?? 'x', 'Subscriptions Updated', email === undefined ? {} : { email })
  if (userId === null) {
    delete event.userId
    event.anonymousId = 'anon-1'
  }
  return event
}

describe('updateSubscriptions through delivery and the sandbox', () => {
  it('single mode: one PATCH or DELETE per item, in order, without a body; the profile shows them', async () => {
    harness = await createHarness({ mappings: [mapping(false)] })
    const h = harness
    await h.send([subscriptionsUpdated('u-ann', 'Ann@Example.com')])
    await h.waitFor(() => drained(h.store))
    await h.waitFor(async () => (await attempts(h)).length === 3)
    expect(await attempts(h)).toEqual([
      {
        endpoint: 'DELETE /api/subscriptions/messageChannel/1/user/Ann%40Example.com',
        status: 200,
        body: null,
      },
      { endpoint: 'PATCH /api/subscriptions/messageType/12/user/Ann%40Example.com', status: 200, body: null },
      { endpoint: 'PATCH /api/subscriptions/emailList/7/user/Ann%40Example.com', status: 200, body: null },
    ])
    const user = h.sandbox.state.project().findByEmail('ann@example.com')
    expect(user?.dataFields).toMatchObject({
      unsubscribedChannelIds: [1],
      subscribedMessageTypeIds: [12],
      userListIds: [7],
    })
  })

  it('single mode with the userId preference uses …/byUserId/{userId}', async () => {
    const m = mapping(false, [SUBSCRIPTIONS[0]])
    harness = await createHarness({
      mappings: [{ ...m, fields: { ...m.fields, user_identifier_preference: 'userId' } }],
    })
    const h = harness
    await h.send([subscriptionsUpdated('u/bob', 'bob@example.com')])
    await h.waitFor(async () => (await attempts(h)).length === 1)
    expect((await attempts(h))[0]).toMatchObject({
      endpoint: 'DELETE /api/subscriptions/messageChannel/1/byUserId/u%2Fbob',
      status: 200,
    })
    expect(h.sandbox.state.project().findByUserId('u/bob')?.dataFields.unsubscribedChannelIds).toEqual([1])
  })

  it('batch mode: one PUT per group and action, emails and userIds in their own lists', async () => {
    harness = await createHarness({ mappings: [mapping(true, SUBSCRIPTIONS.slice(0, 2))] })
    const h = harness
    await h.send([
      subscriptionsUpdated('u1', 'one@example.com'),
      subscriptionsUpdated('u2', 'two@example.com'),
      subscriptionsUpdated('u3'),
    ])
    await h.waitFor(() => drained(h.store))
    // Bodies are cut when due: a user's second item waits for their first, so a list may come in parts.
    const listed: Record<string, string[]> = {}
    for (const a of await attempts(h)) {
      expect(a.status).toBe(200)
      for (const [key, values] of Object.entries(a.body as Record<string, string[]>)) {
        ;(listed[`${a.endpoint} ${key}`] ??= []).push(...values)
      }
    }
    for (const values of Object.values(listed)) values.sort()
    expect(listed).toEqual({
      'PUT /api/subscriptions/messageChannel/1?action=unsubscribe users': [
        'one@example.com',
        'two@example.com',
      ],
      'PUT /api/subscriptions/messageChannel/1?action=unsubscribe usersByUserId': ['u3'],
      'PUT /api/subscriptions/messageType/12?action=subscribe users': ['one@example.com', 'two@example.com'],
      'PUT /api/subscriptions/messageType/12?action=subscribe usersByUserId': ['u3'],
    })
    const project = h.sandbox.state.project()
    for (const user of [project.findByEmail('two@example.com'), project.findByUserId('u3')]) {
      expect(user?.dataFields).toMatchObject({ unsubscribedChannelIds: [1], subscribedMessageTypeIds: [12] })
    }
  })

  it('a project without the Subscriptions API: one request, then a dead letter that says what to do', async () => {
    harness = await createHarness({
      mappings: [mapping(false, [SUBSCRIPTIONS[0]])],
      sandbox: { projects: [{ subscriptionsApi: false }] },
    })
    const h = harness
    await h.send([subscriptionsUpdated('u-gated', 'gated@example.com')])
    await h.waitFor(async () => (await h.store.listDeadLetters()).items.length === 1)
    const [letter] = (await h.store.listDeadLetters()).items
    expect(letter.code).toBe('SUBSCRIPTIONS_API_NOT_ENABLED')
    expect(letter.statusCode).toBe(404)
    expect(letter.reason).toContain('Endpoint not found for project: 10000')
    expect(letter.reason).toContain('ask Iterable')
    expect(letter.reason).toContain('Subscription Preferences API')
    expect(letter.attempts).toBe(1)
    expect(await attempts(h)).toHaveLength(1)
  })

  it('a group the project does not have is a 400 and a dead letter, not retried', async () => {
    harness = await createHarness({
      mappings: [
        mapping(false, [
          { subscription_group_type: 'messageChannel', subscription_group_id: '0', action: 'subscribe' },
        ]),
      ],
    })
    const h = harness
    await h.send([subscriptionsUpdated('u-zero', 'zero@example.com')])
    await h.waitFor(async () => (await h.store.listDeadLetters()).items.length === 1)
    const [letter] = (await h.store.listDeadLetters()).items
    expect(letter.statusCode).toBe(400)
    expect(letter.code).toBe('BadParams')
    expect(await attempts(h)).toHaveLength(1)
  })

  it('429 from the sandbox is retried until the request goes through', async () => {
    harness = await createHarness({
      mappings: [mapping(false, [SUBSCRIPTIONS[1]])],
      // The delivery's own limiter slows down after a 429 (one budget for the documented endpoint).
      delivery: { rateLimits: true },
      sandbox: {
        rateLimits: true,
        rateLimitOverrides: {
          'PATCH /api/subscriptions/{subscriptionGroup}/{subscriptionGroupId}/user/{userEmail}': 1,
        },
      },
    })
    const h = harness
    await h.send(['a', 'b', 'c'].map((n) => subscriptionsUpdated(`u-${n}`, `${n}@example.com`)))
    const project = h.sandbox.state.project()
    const subscribed = (n: string): boolean =>
      project.findByEmail(`${n}@example.com`)?.dataFields.subscribedMessageTypeIds !== undefined
    await h.waitFor(() => ['a', 'b', 'c'].every(subscribed), 20_000)
    await h.waitFor(async () => (await attempts(h)).filter((a) => a.status === 200).length === 3)
    const statuses = (await attempts(h)).map((a) => a.status)
    expect(statuses).toContain(429)
    expect(statuses.filter((s) => s === 200)).toHaveLength(3)
    expect((await h.store.listDeadLetters()).items).toHaveLength(0)
    for (const n of ['a', 'b', 'c']) {
      expect(
        h.sandbox.state.project().findByEmail(`${n}@example.com`)?.dataFields.subscribedMessageTypeIds,
      ).toEqual([12])
    }
  }, 30_000)
})
