import { afterEach, describe, expect, test } from 'vitest'
import { testSandbox } from './helpers.js'
import type { TestSandbox } from './helpers.js'

let s: TestSandbox
afterEach(async () => s?.close())

describe('bulk partial failures', () => {
  test('bulkUpdate: 200 with successCount/failCount and failures keyed by identifier', async () => {
    s = testSandbox({ projects: [{ type: 'email' }] })
    const r = await s.post('/api/users/bulkUpdate', {
      users: [
        { email: 'OK@example.com', dataFields: { a: 1 } },
        { email: 'Not-An-Email' },
        { userId: 'ghost' },
        { email: 'ok2@example.com' },
      ],
    })
    expect(r.status).toBe(200)
    expect(r.body).toEqual({
      successCount: 2,
      failCount: 2,
      createdFields: ['a'],
      filteredOutFields: [],
      invalidEmails: ['not-an-email'],
      invalidUserIds: [],
      failedUpdates: {
        invalidEmails: ['not-an-email'],
        invalidUserIds: [],
        notFoundEmails: [],
        notFoundUserIds: ['ghost'],
        forgottenEmails: [],
        forgottenUserIds: [],
        conflictEmails: [],
        conflictUserIds: [],
        invalidDataEmails: [],
        invalidDataUserIds: [],
      },
    })
  })

  test('trackBulk: response shape, disallowed event names, ids kept', async () => {
    s = testSandbox({ projects: [{ type: 'hybrid', disallowedEventNames: ['Blocked'] }] })
    const r = await s.post('/api/events/trackBulk', {
      events: [
        { email: 'a@example.com', eventName: 'Ok', id: 'evt-1', createdAt: 1700000000 },
        { email: 'a@example.com', eventName: 'Blocked' },
        { email: 'bad', eventName: 'Ok' },
      ],
    })
    expect(r.body).toMatchObject({
      successCount: 1,
      failCount: 2,
      disallowedEventNames: ['Blocked'],
      invalidEmails: ['bad'],
      failedUpdates: { invalidEmails: ['bad'], notFoundEmails: [], forgottenUserIds: [] },
    })
    const events = (await s.get('/api/events/a@example.com')).body.events
    expect(events).toEqual([
      {
        id: 'evt-1',
        eventType: 'customEvent',
        createdAt: 1700000000,
        eventName: 'Ok',
        email: 'a@example.com',
        dataFields: {},
      },
    ])
  })

  test('events with the same id are upserted', async () => {
    s = testSandbox()
    await s.post('/api/events/track', {
      email: 'a@example.com',
      eventName: 'E',
      id: 'same',
      dataFields: { v: 1 },
    })
    await s.post('/api/events/track', {
      email: 'a@example.com',
      eventName: 'E',
      id: 'same',
      dataFields: { v: 2 },
    })
    const events = (await s.get('/api/events/a@example.com')).body.events
    expect(events).toHaveLength(1)
    expect(events[0].dataFields.v).toBe(2)
  })

  test('a JSON type error anywhere fails the whole request with BadJsonBody', async () => {
    s = testSandbox()
    const r = await s.post('/api/events/trackBulk', {
      events: [
        { email: 'a@example.com', eventName: 'E' },
        { email: 'a@example.com', eventName: 'E', createdAt: '2024' },
      ],
    })
    expect(r).toMatchObject({
      status: 400,
      body: {
        msg: '[/api/events/trackBulk] Invalid JSON body',
        code: 'BadJsonBody',
        params: { 'obj.events[1].createdAt': 'Number value expected' },
      },
    })
    const u = await s.post('/api/users/bulkUpdate', {
      users: [{ email: 'a@example.com', preferUserId: 'yes' }],
    })
    expect(u.body.params).toEqual({ 'obj.users[0].preferUserId': 'Boolean value expected' })
    expect(s.sandbox.state.project().users.size).toBe(0)
  })

  test('malformed JSON is BadJsonBody', async () => {
    s = testSandbox()
    const r = await s.post('/api/users/bulkUpdate', '{"users": [')
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('BadJsonBody')
  })

  test('updateOnly skips unknown users as no-ops', async () => {
    s = testSandbox()
    await s.post('/api/users/update', { email: 'known@example.com' })
    const r = await s.post('/api/users/bulkUpdate', {
      updateOnly: true,
      users: [{ email: 'known@example.com', dataFields: { a: 1 } }, { email: 'new@example.com' }],
    })
    expect(r.body).toMatchObject({ successCount: 1, failCount: 0, noOpEmails: ['new@example.com'] })
    expect((await s.get('/api/users/new@example.com')).body).toEqual({})
  })
})

describe('4 MB body limit on bulk calls', () => {
  const user = (i: number): Record<string, unknown> => ({
    email: `u${i}@example.com`,
    dataFields: { pad: 'x'.repeat(1000) },
  })

  test('a body just under 4 MB is accepted, one over is refused with BatchTooLarge', async () => {
    s = testSandbox()
    const under = { users: Array.from({ length: 3900 }, (_, i) => user(i)) }
    expect(Buffer.byteLength(JSON.stringify(under))).toBeLessThan(4 * 1024 * 1024)
    const ok = await s.post('/api/users/bulkUpdate', under)
    expect(ok.status).toBe(200)
    expect(ok.body.successCount).toBe(3900)
    const over = { users: Array.from({ length: 4300 }, (_, i) => user(i)) }
    expect(Buffer.byteLength(JSON.stringify(over))).toBeGreaterThan(4 * 1024 * 1024)
    const refused = await s.post('/api/users/bulkUpdate', over)
    expect(refused.status).toBe(413)
    expect(refused.body.code).toBe('BatchTooLarge')
    const events = { events: Array.from({ length: 4300 }, (_, i) => ({ ...user(i), eventName: 'E' })) }
    expect((await s.post('/api/events/trackBulk', events)).status).toBe(413)
  })

  test('the limit and the status are configurable', async () => {
    s = testSandbox({ behaviour: { bulkBodyLimitBytes: 1000, oversizeStatus: 400 } })
    const r = await s.post('/api/users/bulkUpdate', { users: [user(1)] })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('BatchTooLarge')
  })
})

describe('lists', () => {
  test('subscribe creates users and adds the list; unsubscribe reports unknown users as notFound', async () => {
    s = testSandbox({ projects: [{ type: 'email' }] })
    const r = await s.post('/api/lists/subscribe', {
      listId: 7,
      subscribers: [{ email: 'A@example.com' }, { email: 'x' }],
    })
    expect(r.body).toMatchObject({ successCount: 1, failCount: 1, failedUpdates: { invalidEmails: ['x'] } })
    expect((await s.get('/api/users/a@example.com')).body.user.dataFields.emailListIds).toEqual([7])
    const u = await s.post('/api/lists/unsubscribe', {
      listId: 7,
      subscribers: [{ email: 'a@example.com' }, { email: 'nobody@example.com' }],
    })
    expect(u.body).toMatchObject({
      successCount: 1,
      failCount: 1,
      failedUpdates: { notFoundEmails: ['nobody@example.com'] },
    })
    expect((await s.get('/api/users/a@example.com')).body.user.dataFields.emailListIds).toEqual([])
  })

  test('updateExistingUsersOnly is honoured in hybrid projects; list field is userListIds', async () => {
    s = testSandbox({ projects: [{ type: 'hybrid' }] })
    await s.post('/api/users/update', { userId: 'known' })
    const r = await s.post('/api/lists/subscribe', {
      listId: 3,
      updateExistingUsersOnly: true,
      subscribers: [{ userId: 'known' }, { userId: 'unknown' }],
    })
    expect(r.body.failedUpdates.notFoundUserIds).toEqual(['unknown'])
    expect((await s.get('/api/users/byUserId/known')).body.user.dataFields.userListIds).toEqual([3])
  })

  test('an unknown list id is a 400 whose code is "Success"', async () => {
    s = testSandbox({ projects: [{ listIds: [1] }] })
    const r = await s.post('/api/lists/subscribe', { listId: 2, subscribers: [{ email: 'a@example.com' }] })
    expect(r.status).toBe(400)
    expect(r.body).toEqual({
      msg: 'error.lists.invalidListId(2)',
      code: 'Success',
      params: { projectId: 10000, listId: 2 },
    })
  })
})
