// The sandbox's Subscriptions API and the reads naming its groups (issue 16 item 1): per-project
// enablement, group checks, the changes each call makes to the profile, and the bulk PUT.
import { afterEach, describe, expect, test } from 'vitest'
import { testSandbox, type TestSandbox } from './helpers.js'

let s: TestSandbox | undefined
afterEach(async () => {
  await s?.close()
  s = undefined
})

const profile = async (t: TestSandbox, email: string) =>
  (await t.get(`/api/users/${email}`)).body.user?.dataFields as Record<string, unknown>

describe('Subscriptions API', () => {
  test('a project without it answers 404 NotFound "Endpoint not found for project: <id>"', async () => {
    s = testSandbox({ projects: [{ subscriptionsApi: false }] })
    const answer = await s.send('PATCH', '/api/subscriptions/messageChannel/1/user/a%40example.com')
    expect(answer.status).toBe(404)
    expect(answer.body).toEqual({
      msg: 'Endpoint not found for project: 10000',
      code: 'NotFound',
      params: null,
    })
    expect(
      (await s.send('PUT', '/api/subscriptions/emailList/1?action=subscribe', { users: ['a@example.com'] }))
        .status,
    ).toBe(404)
    // Other endpoints answer as usual.
    expect((await s.get('/api/lists')).status).toBe(200)
  })

  test('PATCH and DELETE by email and by userId change the profile; users are created', async () => {
    s = testSandbox({ projects: [{ type: 'hybrid', listIds: [7] }] })
    const base = '/api/subscriptions'
    expect((await s.send('DELETE', `${base}/messageChannel/1/user/Ann%40Example.com`)).body).toEqual({
      msg: '',
      code: 'Success',
      params: null,
    })
    await s.send('PATCH', `${base}/messageType/12/user/ann%40example.com`)
    await s.send('DELETE', `${base}/messageType/11/user/ann%40example.com`)
    await s.send('PATCH', `${base}/emailList/7/user/ann%40example.com`)
    expect(await profile(s, 'ann@example.com')).toMatchObject({
      unsubscribedChannelIds: [1],
      subscribedMessageTypeIds: [12],
      unsubscribedMessageTypeIds: [11],
      userListIds: [7],
    })
    await s.send('PATCH', `${base}/messageChannel/1/user/ann%40example.com`)
    await s.send('DELETE', `${base}/messageType/12/user/ann%40example.com`)
    await s.send('DELETE', `${base}/emailList/7/user/ann%40example.com`)
    expect(await profile(s, 'ann@example.com')).toMatchObject({
      unsubscribedChannelIds: [],
      subscribedMessageTypeIds: [],
      unsubscribedMessageTypeIds: [11, 12],
      userListIds: [],
    })
    expect((await s.send('PATCH', `${base}/messageChannel/3/byUserId/u-9`)).status).toBe(200)
    expect((await s.get('/api/users/byUserId/u-9')).body.user.dataFields.unsubscribedChannelIds).toEqual([])
  })

  test('unknown groups, transactional channels, bad emails and bad actions are 400s', async () => {
    s = testSandbox({ projects: [{ listIds: [7] }] })
    const cases: Array<[string, string, number, string]> = [
      ['PATCH', '/api/subscriptions/messageChannel/0/user/a%40example.com', 400, 'BadParams'],
      ['PATCH', '/api/subscriptions/messageChannel/2/user/a%40example.com', 400, 'BadParams'],
      ['PATCH', '/api/subscriptions/messageType/99/user/a%40example.com', 400, 'BadParams'],
      ['PATCH', '/api/subscriptions/emailList/8/user/a%40example.com', 400, 'Success'],
      ['PATCH', '/api/subscriptions/channel/1/user/a%40example.com', 400, 'BadParams'],
      ['PATCH', '/api/subscriptions/messageChannel/1/user/not-an-email', 400, 'InvalidEmailAddressError'],
      ['PUT', '/api/subscriptions/messageChannel/1?action=maybe', 400, 'BadParams'],
    ]
    for (const [method, path, status, code] of cases) {
      const answer = await s.send(
        method as 'PATCH' | 'PUT',
        path,
        method === 'PUT' ? { users: ['a@example.com'] } : undefined,
      )
      expect([path, answer.status, answer.body.code]).toEqual([path, status, code])
    }
    const typed = await s.send('PUT', '/api/subscriptions/messageChannel/1?action=subscribe', { users: [1] })
    expect(typed.body).toMatchObject({
      code: 'BadJsonBody',
      params: { 'obj.users[0]': 'String value expected' },
    })
  })

  test('the bulk PUT applies to every user listed, by email and by userId', async () => {
    s = testSandbox()
    const answer = await s.send('PUT', '/api/subscriptions/messageChannel/1?action=unsubscribe', {
      users: ['a@example.com', 'b@example.com'],
      usersByUserId: ['u-c'],
    })
    expect(answer).toMatchObject({ status: 200, body: { code: 'Success' } })
    expect((await profile(s, 'b@example.com')).unsubscribedChannelIds).toEqual([1])
    expect((await s.get('/api/users/byUserId/u-c')).body.user.dataFields.unsubscribedChannelIds).toEqual([1])
    expect((await s.send('PUT', '/api/subscriptions/messageChannel/1?action=subscribe', {})).status).toBe(400)
  })

  test('rate limited per project and endpoint: 429 RateLimitExceeded', async () => {
    s = testSandbox({
      rateLimits: true,
      rateLimitOverrides: {
        'PATCH /api/subscriptions/{subscriptionGroup}/{subscriptionGroupId}/user/{userEmail}': 1,
      },
    })
    const path = '/api/subscriptions/messageChannel/1/user/a%40example.com'
    expect((await s.send('PATCH', path)).status).toBe(200)
    expect((await s.send('PATCH', path)).body).toEqual({
      msg: 'Exceeded rate limit.',
      code: 'RateLimitExceeded',
    })
    // DELETE is another endpoint with its own bucket.
    expect((await s.send('DELETE', path)).status).toBe(200)
  })
})

describe('the groups for editors', () => {
  test('GET /api/channels, /api/messageTypes and /api/lists list the project groups', async () => {
    s = testSandbox({ projects: [{ lists: [{ id: 5, name: 'Newsletter', listType: 'Standard' }] }] })
    expect((await s.get('/api/channels')).body.channels).toContainEqual({
      id: 1,
      name: 'Marketing Email',
      channelType: 'Marketing',
      messageMedium: 'Email',
    })
    expect((await s.get('/api/messageTypes')).body.messageTypes).toContainEqual({
      id: 12,
      name: 'Product Updates',
      channelId: 1,
      subscriptionPolicy: 'OptIn',
    })
    expect((await s.get('/api/lists')).body).toEqual({
      lists: [{ id: 5, name: 'Newsletter', listType: 'Standard' }],
    })
  })
})

describe('POST /api/users/merge', () => {
  test('moves the source’s missing fields, list ids and events to the destination, then deletes it', async () => {
    s = testSandbox({ projects: [{ type: 'hybrid' }] })
    await s.post('/api/users/update', {
      userId: 'old',
      dataFields: { plan: 'free', color: 'red', userListIds: [1] },
    })
    await s.post('/api/users/update', { userId: 'new', dataFields: { plan: 'pro', userListIds: [2] } })
    await s.post('/api/events/track', { userId: 'old', eventName: 'Viewed', id: 'e1' })
    expect((await s.post('/api/users/merge', { sourceUserId: 'old', destinationUserId: 'new' })).status).toBe(
      200,
    )
    expect((await s.get('/api/users/byUserId/old')).body).toEqual({})
    expect((await s.get('/api/users/byUserId/new')).body.user.dataFields).toMatchObject({
      plan: 'pro',
      color: 'red',
      userListIds: [2, 1],
    })
    expect((await s.get('/api/events/byUserId/new')).body.events.map((e: any) => e.eventName)).toEqual([
      'Viewed',
    ])
  })

  test('unknown users and a user merged into itself are 400 BadParams', async () => {
    s = testSandbox()
    await s.post('/api/users/update', { userId: 'new' })
    const ghost = await s.post('/api/users/merge', { sourceUserId: 'ghost', destinationUserId: 'new' })
    expect(ghost.body).toMatchObject({
      code: 'BadParams',
      msg: expect.stringContaining('Source user does not exist'),
    })
    const self = await s.post('/api/users/merge', { sourceUserId: 'new', destinationUserId: 'new' })
    expect(self.status).toBe(400)
  })
})
