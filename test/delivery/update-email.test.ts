// Upsert User with a new email, sent by the real delivery service to the sandbox (reference §4.5,
// §5.7; compatibility D9): users/update then users/updateEmail in single mode, no updateEmail after a
// refused update, and in batch mode for email-based projects updateEmail after the bulk call,
// retried while Iterable says the user does not exist yet.
import { afterEach, describe, expect, it } from 'vitest'
import { defaultMappings } from '../../src/config/index.js'
import type { MappingConfig } from '../../src/iterable/mappings.js'
import { attemptsLog as attempts, createHarness, drained, identify, type Harness } from './harness.js'

let harness: Harness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

const UPDATE = '/api/users/update'
const UPDATE_EMAIL = '/api/users/updateEmail'
const BULK_UPDATE = '/api/users/bulkUpdate'

/** The preset mappings, with the Upsert User one reading `traits.newEmail` (it has no default). */
function mappingsWithNewEmail(batching: boolean, extra: Record<string, unknown> = {}): MappingConfig[] {
  return defaultMappings().map((m) =>
    m.action === 'updateUser'
      ? {
          ...m,
          fields: { ...m.fields, newEmail: { '@path': '$.traits.newEmail' }, ...extra },
          batching: { enabled: batching },
        }
      : m,
  )
}

/** HTTP statuses per documented route, as `GET /_sandbox/stats` reports them. */
async function sandboxRequests(h: Harness, route: string): Promise<Record<string, number>> {
  const response = await fetch(`${new URL(h.sandbox.url).origin}/_sandbox/stats`)
  const stats = (await response.json()) as {
    endpoints: Record<string, { requests: Record<string, number> } | undefined>
  }
  return stats.endpoints[route]?.requests ?? {}
}

const emptyQueues = (h: Harness): Promise<boolean> => drained(h.store)

describe('updateEmail sent by the delivery service (single mode, reference §4.5)', () => {
  it('(a) users/update, then users/updateEmail; the sandbox ends with the user under the new email', async () => {
    harness = await createHarness({ mappings: mappingsWithNewEmail(false) })
    const h = harness
    const project = h.sandbox.state.project()
    await h.send([identify('u-move', 'old@example.com', { newEmail: 'new@example.com', plan: 'pro' })])
    await h.waitFor(async () => project.findByEmail('new@example.com') !== undefined)
    await h.waitFor(() => emptyQueues(h))

    expect(project.findByEmail('old@example.com')).toBeUndefined()
    const moved = project.findByEmail('new@example.com')
    expect(moved?.userId).toBe('u-move')
    expect(moved?.dataFields.plan).toBe('pro')

    await h.waitFor(async () => (await attempts(h)).length === 2)
    expect(await attempts(h)).toEqual([
      {
        endpoint: UPDATE,
        status: 200,
        body: expect.objectContaining({ email: 'old@example.com', userId: 'u-move' }) as unknown,
      },
      {
        endpoint: UPDATE_EMAIL,
        status: 200,
        body: { currentEmail: 'old@example.com', currentUserId: 'u-move', newEmail: 'new@example.com' },
      },
    ])
    expect(await sandboxRequests(h, UPDATE_EMAIL)).toEqual({ '200': 1 })
    expect(await sandboxRequests(h, BULK_UPDATE)).toEqual({})
  })

  it('(b) users/update answers 400 (field type mismatch): updateEmail is not called', async () => {
    harness = await createHarness({ mappings: mappingsWithNewEmail(false) })
    const h = harness
    const project = h.sandbox.state.project()
    // First write fixes `score` as a number …
    await h.send([identify('u-typed', 'typed@example.com', { score: 5 })])
    await h.waitFor(() => emptyQueues(h))
    expect(project.findByEmail('typed@example.com')?.dataFields.score).toBe(5)
    // … so an object in it is refused as a whole (400 RequestFieldsTypesMismatched).
    await h.send([
      identify('u-typed', 'typed@example.com', { score: { value: 6 }, newEmail: 'renamed@example.com' }),
    ])
    await h.waitFor(async () => (await h.store.listDeadLetters()).items.length === 1)
    await h.waitFor(() => emptyQueues(h))

    const [letter] = (await h.store.listDeadLetters()).items
    expect(letter.code).toBe('RequestFieldsTypesMismatched')
    expect(letter.statusCode).toBe(400)
    expect(await sandboxRequests(h, UPDATE)).toEqual({ '200': 1, '400': 1 })
    expect(await sandboxRequests(h, UPDATE_EMAIL)).toEqual({})
    expect((await attempts(h)).map((a) => a.endpoint)).not.toContain(UPDATE_EMAIL)
    expect(project.findByEmail('renamed@example.com')).toBeUndefined()
    expect(project.findByEmail('typed@example.com')?.dataFields.score).toBe(5)
  })
})

describe('newEmail in batch mode (D9)', () => {
  it('projectType not set: the reference — dataFields.email in the bulk body, no updateEmail', async () => {
    harness = await createHarness({ mappings: mappingsWithNewEmail(true) })
    const h = harness
    const project = h.sandbox.state.project() // hybrid: dataFields.email changes the email
    await h.send([identify('u-ref', 'ref-old@example.com', { newEmail: 'ref-new@example.com' })])
    await h.waitFor(() => emptyQueues(h))

    const [bulk] = await attempts(h)
    expect(bulk.endpoint).toBe(BULK_UPDATE)
    expect(bulk.body).toMatchObject({
      users: [
        { email: 'ref-old@example.com', userId: 'u-ref', dataFields: { email: 'ref-new@example.com' } },
      ],
    })
    expect(await sandboxRequests(h, UPDATE_EMAIL)).toEqual({})
    expect(project.findByUserId('u-ref')?.email).toBe('ref-new@example.com')
  })

  it('email-based project: updateEmail after the accepted bulk call', async () => {
    harness = await createHarness({
      mappings: mappingsWithNewEmail(true),
      settings: { projectType: 'email' },
      sandbox: { projects: [{ type: 'email', apiKeys: ['email-project-key'] }] },
    })
    const h = harness
    const project = h.sandbox.state.project()
    await h.send([identify('u-bulk', 'bulk-old@example.com', { newEmail: 'bulk-new@example.com' })])
    await h.waitFor(async () => project.findByEmail('bulk-new@example.com') !== undefined)
    await h.waitFor(() => emptyQueues(h))

    await h.waitFor(async () => (await attempts(h)).length === 2)
    const [bulk, follow] = await attempts(h)
    expect(bulk.endpoint).toBe(BULK_UPDATE)
    // D9: in an email-based project the new email does not go into dataFields.
    expect(bulk.body).toEqual({
      users: [
        {
          email: 'bulk-old@example.com',
          userId: 'u-bulk',
          dataFields: { email: 'bulk-old@example.com', newEmail: 'bulk-new@example.com' },
          mergeNestedObjects: false,
        },
      ],
    })
    expect(follow).toEqual({
      endpoint: UPDATE_EMAIL,
      status: 200,
      body: {
        currentEmail: 'bulk-old@example.com',
        currentUserId: 'u-bulk',
        newEmail: 'bulk-new@example.com',
      },
    })
    expect(project.findByEmail('bulk-old@example.com')).toBeUndefined()
  })

  it('email-based project: updateEmail is retried while the user does not exist yet, then delivered', async () => {
    // updateOnly: the bulk call does not create the user, so updateEmail meets Iterable's
    // "Cannot change user Some(x) to y. User does not exist" (400 BadParams) until the user appears.
    harness = await createHarness({
      mappings: mappingsWithNewEmail(true, { updateOnly: true }),
      settings: { projectType: 'email' },
      sandbox: { projects: [{ type: 'email', apiKeys: ['email-project-key'] }] },
    })
    const h = harness
    const project = h.sandbox.state.project()
    const event = identify('u-late', 'late-old@example.com', { newEmail: 'late-new@example.com' })
    await h.send([event])
    await h.waitFor(async () => ((await sandboxRequests(h, UPDATE_EMAIL))['400'] ?? 0) >= 2)
    expect(project.findByEmail('late-old@example.com')).toBeUndefined()
    expect((await h.store.listDeadLetters()).items).toEqual([])

    // The user now exists (as when Iterable finishes creating it): the next retry goes through.
    const created = await fetch(`${h.sandbox.url}${UPDATE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': h.sandbox.apiKey },
      body: JSON.stringify({ email: 'late-old@example.com', dataFields: { source: 'elsewhere' } }),
    })
    expect(created.status).toBe(200)
    await h.waitFor(async () => project.findByEmail('late-new@example.com') !== undefined)
    await h.waitFor(() => emptyQueues(h))

    expect(project.findByEmail('late-old@example.com')).toBeUndefined()
    expect(project.findByEmail('late-new@example.com')?.dataFields.source).toBe('elsewhere')
    expect((await sandboxRequests(h, UPDATE_EMAIL))['200']).toBe(1)
    expect((await h.store.listDeadLetters()).items).toEqual([])
    const lookup = await h.store.lookupEvent(event.messageId as string)
    const kinds = lookup.outcomes.map((o) => o.outcome)
    expect(kinds.filter((k) => k === 'delivered')).toHaveLength(1)
    expect(kinds.filter((k) => k !== 'delivered').every((k) => k === 'retrying')).toBe(true)
    expect(kinds.length).toBeGreaterThanOrEqual(3)
  })

  it('email-based project: a user who never appears is dead-lettered when the user-not-found window ends', async () => {
    harness = await createHarness({
      mappings: mappingsWithNewEmail(true, { updateOnly: true }),
      settings: { projectType: 'email' },
      sandbox: { projects: [{ type: 'email', apiKeys: ['email-project-key'] }] },
      delivery: { notFoundWindowMs: 300 },
    })
    const h = harness
    await h.send([identify('u-never', 'never@example.com', { newEmail: 'never-new@example.com' })])
    await h.waitFor(async () => (await h.store.listDeadLetters()).items.length === 1)

    const [letter] = (await h.store.listDeadLetters()).items
    expect(letter.statusCode).toBe(400)
    expect(letter.reason).toMatch(/user-not-found window/)
    expect(letter.reason).toMatch(/User does not exist/)
    expect(letter.attempts).toBeGreaterThanOrEqual(2)
    expect((await sandboxRequests(h, UPDATE_EMAIL))['400']).toBe(letter.attempts)
  })
})
