// Sync To Iterable Lists (issue 16 item 2) sent by the real delivery service to the sandbox: members
// subscribed and others unsubscribed in their own list (L1), each member settled by its own outcome
// in Iterable's answer (L3), a list named by the audience key found or created once and then cached
// (L4), an unknown list id dead-lettered with Iterable's message, single mode as well as batches.
import { afterEach, describe, expect, it } from 'vitest'
import { presetMapping } from '../../src/config/index.js'
import type { MappingConfig } from '../../src/iterable/mappings.js'
import { findPreset } from '../../src/iterable/presets.js'
import {
  attemptsLog as attempts,
  count,
  createHarness,
  drained,
  requestsTo,
  type Harness,
} from './harness.js'

let harness: Harness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

function mapping(batching: boolean): MappingConfig {
  const preset = findPreset('Entities Audience Membership Changed (Lists)')
  if (preset === undefined) throw new Error('preset missing')
  return { ...presetMapping(preset), trigger: 'type = "identify"', batching: { enabled: batching } }
}

/** An Engage audience identify: the user is in audience `key` or not; list id when given. */
function audience(userId: string, email: string, key: string, member: boolean, listId?: string) {
  return {
    type: 'identify',
    userId,
    messageId: `aud-${userId}-${key}-${Math.random().toString(36).slice(2)}`,
    traits: { email, [key]: member },
    context: {
      personas: {
        computation_key: key,
        computation_class: 'audience',
        ...(listId !== undefined ? { external_audience_id: listId } : {}),
      },
    },
  }
}

const listsOf = (h: Harness, userId: string) =>
  h.sandbox.state.project().findByUserId(userId)?.dataFields.userListIds

describe('syncAudience through delivery and the sandbox', () => {
  it('batch mode: each list gets its own members (L1); members in, others out', async () => {
    harness = await createHarness({ mappings: [mapping(true)], sandbox: { projects: [{ type: 'hybrid' }] } })
    const h = harness
    await h.send([
      audience('u1', 'one@example.com', 'vip', true, '11'),
      audience('u2', 'two@example.com', 'churn', true, '22'),
      audience('u3', 'three@example.com', 'vip', true, '11'),
    ])
    await h.waitFor(() => drained(h.store))
    expect(listsOf(h, 'u1')).toEqual([11])
    expect(listsOf(h, 'u2')).toEqual([22])
    expect(listsOf(h, 'u3')).toEqual([11])
    const bodies = (await attempts(h)).map((a) => a.body as { listId: number; subscribers: unknown[] })
    for (const body of bodies) {
      const ids = (body.subscribers as Array<{ userId: string }>).map((s) => s.userId)
      expect(ids.every((id) => (body.listId === 22 ? id === 'u2' : id !== 'u2'))).toBe(true)
    }
    await h.send([audience('u1', 'one@example.com', 'vip', false, '11')])
    await h.waitFor(async () => (await attempts(h)).some((a) => a.endpoint === '/api/lists/unsubscribe'))
    await h.waitFor(() => drained(h.store))
    expect(listsOf(h, 'u1')).toEqual([])
  })

  it('L3: a member Iterable refuses is dead-lettered alone; the others of the body are delivered', async () => {
    harness = await createHarness({ mappings: [mapping(true)], sandbox: { projects: [{ type: 'hybrid' }] } })
    const h = harness
    await h.send([
      audience('good-1', 'good@example.com', 'vip', true, '5'),
      audience('bad-1', 'not-an-email', 'vip', true, '5'),
    ])
    await h.waitFor(async () => (await h.store.listDeadLetters()).items.length === 1)
    await h.waitFor(() => drained(h.store))
    const [letter] = (await h.store.listDeadLetters()).items
    expect(letter.reason).toContain('invalid email')
    expect(listsOf(h, 'good-1')).toEqual([5])
    expect(h.sandbox.state.project().findByUserId('bad-1')).toBeUndefined()
  })

  it('L3, single mode: a 200 that lists the member as invalid dead-letters it', async () => {
    harness = await createHarness({ mappings: [mapping(false)], sandbox: { projects: [{ type: 'hybrid' }] } })
    const h = harness
    await h.send([audience('bad-2', 'still-not-an-email', 'vip', true, '5')])
    await h.waitFor(async () => (await h.store.listDeadLetters()).items.length === 1)
    const [letter] = (await h.store.listDeadLetters()).items
    expect(letter.statusCode).toBe(200)
    expect(letter.reason).toContain('invalid email')
    expect(letter.attempts).toBe(1)
  })

  it('L4: without a list id the list is created by the audience key once, then the id is cached', async () => {
    harness = await createHarness({ mappings: [mapping(true)], sandbox: { projects: [{ type: 'hybrid' }] } })
    const h = harness
    await h.send([
      audience('n1', 'n1@example.com', 'new_audience', true),
      audience('n2', 'n2@example.com', 'new_audience', true),
    ])
    await h.waitFor(() => drained(h.store))
    const project = h.sandbox.state.project()
    expect(project.createdLists).toEqual([{ id: 1, name: 'new_audience', listType: 'Standard' }])
    expect(listsOf(h, 'n1')).toEqual([1])
    expect(listsOf(h, 'n2')).toEqual([1])
    // GET /api/lists (not there) and POST /api/lists: two requests, the first time only.
    expect(count(requestsTo(h.sandbox, '/api/lists'), '200')).toBe(2)
    await h.send([audience('n1', 'n1@example.com', 'new_audience', false)])
    await h.waitFor(async () => (await attempts(h)).some((a) => a.endpoint === '/api/lists/unsubscribe'))
    await h.waitFor(() => drained(h.store))
    expect(listsOf(h, 'n1')).toEqual([])
    expect(count(requestsTo(h.sandbox, '/api/lists'))).toBe(2)
    expect(project.createdLists).toHaveLength(1)
  })

  it('L4, single mode: an existing list of that name is found, not created again', async () => {
    harness = await createHarness({
      mappings: [mapping(false)],
      sandbox: { projects: [{ type: 'hybrid', lists: [{ id: 40, name: 'known', listType: 'Standard' }] }] },
    })
    const h = harness
    await h.send([audience('k1', 'k1@example.com', 'known', true)])
    await h.waitFor(() => drained(h.store))
    expect(listsOf(h, 'k1')).toEqual([40])
    expect(h.sandbox.state.project().createdLists).toEqual([])
    const [sent] = await attempts(h)
    expect(sent).toEqual({
      endpoint: '/api/lists/subscribe',
      status: 200,
      body: { listId: 40, subscribers: [{ email: 'k1@example.com', userId: 'k1' }] },
    })
  })

  it("an unknown list id is a 400 with Iterable's message, dead-lettered without retries", async () => {
    harness = await createHarness({
      mappings: [mapping(false)],
      sandbox: { projects: [{ type: 'hybrid', listIds: [1] }] },
    })
    const h = harness
    await h.send([audience('x1', 'x1@example.com', 'vip', true, '999')])
    await h.waitFor(async () => (await h.store.listDeadLetters()).items.length === 1)
    const [letter] = (await h.store.listDeadLetters()).items
    expect(letter.statusCode).toBe(400)
    expect(letter.reason).toContain('error.lists.invalidListId(999)')
    expect(letter.attempts).toBe(1)
  })
})
