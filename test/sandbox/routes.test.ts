import { afterEach, describe, expect, test } from 'vitest'
import { ROUTES } from '../../src/sandbox/index.js'
import { testSandbox } from './helpers.js'
import type { TestSandbox } from './helpers.js'

let s: TestSandbox
afterEach(async () => s?.close())

describe('documented routes', () => {
  test('every route of the issue exists', () => {
    const routes = new Set(ROUTES.map((r) => `${r.method} ${r.path}`))
    for (const route of [
      'POST /api/users/update',
      'POST /api/users/bulkUpdate',
      'POST /api/users/updateEmail',
      'POST /api/events/track',
      'POST /api/events/trackBulk',
      'POST /api/commerce/updateCart',
      'POST /api/commerce/trackPurchase',
      'POST /api/users/registerDeviceToken',
      'POST /api/users/registerBrowserToken',
      'POST /api/users/updateSubscriptions',
      'POST /api/lists/subscribe',
      'POST /api/lists/unsubscribe',
      'GET /api/webhooks',
      'GET /api/users/getByEmail',
      'GET /api/users/{email}',
      'GET /api/users/byUserId/{userId}',
      'GET /api/events/{email}',
      'GET /api/events/byUserId/{userId}',
      'DELETE /api/users/{email}',
      'DELETE /api/users/byUserId/{userId}',
    ]) {
      expect(routes.has(route), route).toBe(true)
    }
  })

  test('unknown paths answer 404 in the envelope', async () => {
    s = testSandbox()
    const r = await s.get('/api/nope')
    expect(r.status).toBe(404)
    expect(r.body.code).toBe('NotFound')
  })
})

describe('GET users and events', () => {
  test('unknown user → 200 {}; invalid email → 400; all four user lookups agree', async () => {
    s = testSandbox()
    expect((await s.get('/api/users/nobody@example.com')).body).toEqual({})
    expect((await s.get('/api/users/byUserId/nobody')).body).toEqual({})
    const bad = await s.get('/api/users/000')
    expect(bad).toMatchObject({
      status: 400,
      body: { msg: 'Invalid email: 000', code: 'InvalidEmailAddressError' },
    })
    await s.post('/api/users/update', { email: 'a@example.com', userId: 'A', dataFields: { x: 1 } })
    const urls = [
      '/api/users/a@example.com',
      '/api/users/getByEmail?email=A@example.com',
      '/api/users/byUserId/A',
      '/api/users/byUserId?userId=A',
    ]
    for (const url of urls) {
      const user = (await s.get(url)).body.user
      expect(user, url).toMatchObject({
        email: 'a@example.com',
        userId: 'A',
        dataFields: { x: 1, email: 'a@example.com', userId: 'A', signupSource: 'API' },
      })
      expect(user.dataFields.itblInternal.emailDomain).toBe('example.com')
    }
  })

  test('events come newest first with their id; limit caps the list (max 200)', async () => {
    s = testSandbox()
    for (let i = 0; i < 5; i++) {
      await s.post('/api/events/track', {
        userId: 'U',
        email: 'u@example.com',
        eventName: 'E',
        id: `e${i}`,
        createdAt: 1700000000 + i,
        campaignId: 3,
      })
    }
    const all = (await s.get('/api/events/byUserId/U')).body.events
    expect(all.map((e: { id: string }) => e.id)).toEqual(['e4', 'e3', 'e2', 'e1', 'e0'])
    expect(all[0]).toMatchObject({
      eventName: 'E',
      createdAt: 1700000004,
      campaignId: 3,
      userId: 'U',
      email: 'u@example.com',
    })
    expect((await s.get('/api/events/u@example.com?limit=2')).body.events).toHaveLength(2)
    expect((await s.get('/api/events/nobody@example.com')).body).toEqual({ events: [] })
  })

  test('track without id gets a generated id, returned in the answer and by GET', async () => {
    s = testSandbox()
    const r = await s.post('/api/events/track', { email: 'a@example.com', eventName: 'E' })
    expect(r.body.msg).toBe(`Event with id: ${r.body.params.id} tracked.`)
    expect((await s.get('/api/events/a@example.com')).body.events[0].id).toBe(r.body.params.id)
  })

  test('GET /api/webhooks answers the configured list', async () => {
    s = testSandbox({ projects: [{ webhooks: [{ id: 1, endpoint: 'https://x' }] }] })
    expect((await s.get('/api/webhooks')).body).toEqual({ webhooks: [{ id: 1, endpoint: 'https://x' }] })
  })
})

describe('DELETE users', () => {
  test('by email: 200 even when unknown; by userId: deletes every user sharing it, unknown → 400', async () => {
    s = testSandbox({ projects: [{ type: 'email' }] })
    expect((await s.del('/api/users/nobody@example.com')).body).toEqual({
      msg: '',
      code: 'Success',
      params: null,
    })
    await s.post('/api/users/update', { email: 'a@example.com', userId: 'shared' })
    await s.post('/api/users/update', { email: 'b@example.com', userId: 'shared' })
    await s.post('/api/events/track', { email: 'a@example.com', eventName: 'E', id: 'ev' })
    const r = await s.del('/api/users/byUserId/shared')
    expect(r.body).toEqual({
      msg: 'All users associated with shared were successfully deleted',
      code: 'Success',
      params: null,
    })
    expect(s.sandbox.state.project().users.size).toBe(0)
    expect(s.sandbox.state.project().findEvent('customEvent', 'ev')).toBeUndefined()
    const unknown = await s.del('/api/users/byUserId/shared')
    expect(unknown).toMatchObject({
      status: 400,
      body: { msg: 'User does not exist. Email:  UserId: shared', code: 'BadParams' },
    })
  })
})

describe('DELETE users with a Content-Type header and no body', () => {
  test('is a DELETE without a body (many clients send the header on every request), not bad JSON', async () => {
    s = testSandbox({ projects: [{ type: 'userId' }] })
    await s.post('/api/users/update', { userId: 'gone' })
    const answer = await s.sandbox.app.inject({
      method: 'DELETE',
      url: '/api/users/byUserId/gone',
      headers: { 'Api-Key': s.key, 'content-type': 'application/json' },
    })
    expect(answer.statusCode).toBe(200)
    expect(s.sandbox.state.project().users.size).toBe(0)
    // A POST with the header and no body is still refused as bad JSON.
    const post = await s.sandbox.app.inject({
      method: 'POST',
      url: '/api/users/update',
      headers: { 'Api-Key': s.key, 'content-type': 'application/json' },
    })
    expect(post.statusCode).toBe(400)
  })
})

describe('users/updateEmail', () => {
  test('moves profile and events to the new email; old email then returns {}', async () => {
    s = testSandbox({ projects: [{ type: 'email' }] })
    await s.post('/api/users/update', { email: 'old@example.com', userId: 'u', dataFields: { a: 1 } })
    await s.post('/api/events/track', { email: 'old@example.com', eventName: 'E', id: 'x' })
    const r = await s.post('/api/users/updateEmail', {
      currentEmail: 'old@example.com',
      newEmail: 'New@example.com',
    })
    expect(r.body).toEqual({ msg: '', code: 'Success', params: null })
    expect((await s.get('/api/users/old@example.com')).body).toEqual({})
    expect((await s.get('/api/users/new@example.com')).body.user).toMatchObject({
      userId: 'u',
      dataFields: { a: 1 },
    })
    expect((await s.get('/api/events/new@example.com')).body.events[0].id).toBe('x')
  })

  test('currentUserId works; errors for unknown current user, invalid emails and taken new email', async () => {
    s = testSandbox({ projects: [{ type: 'email' }] })
    await s.post('/api/users/update', { email: 'a@example.com', userId: 'ua' })
    await s.post('/api/users/update', { email: 'b@example.com' })
    expect(
      (await s.post('/api/users/updateEmail', { currentUserId: 'ua', newEmail: 'a2@example.com' })).status,
    ).toBe(200)
    const unknown = await s.post('/api/users/updateEmail', {
      currentEmail: 'zz@example.com',
      newEmail: 'y@example.com',
    })
    expect(unknown.body).toEqual({
      msg: 'Cannot change user Some(zz@example.com) to y@example.com. User does not exist',
      code: 'BadParams',
      params: null,
    })
    const invalid = await s.post('/api/users/updateEmail', {
      currentEmail: 'sayan',
      newEmail: 'y@example.com',
    })
    expect(invalid.body).toMatchObject({
      msg: 'Invalid currentEmail sayan',
      code: 'InvalidEmailAddressError',
    })
    const taken = await s.post('/api/users/updateEmail', {
      currentEmail: 'a2@example.com',
      newEmail: 'b@example.com',
    })
    expect(taken).toMatchObject({ status: 409, body: { code: 'EmailAlreadyExists' } })
    expect((await s.post('/api/users/updateEmail', { currentEmail: 'b@example.com' })).body.params).toEqual({
      'obj.newEmail': 'error.path.missing',
    })
  })
})

describe('tokens and subscriptions', () => {
  test('registerDeviceToken creates the user and upserts the device by token', async () => {
    s = testSandbox({ projects: [{ type: 'email' }] })
    const device = { token: 't1', platform: 'GCM', applicationName: 'app', dataFields: { appVersion: '1' } }
    expect((await s.post('/api/users/registerDeviceToken', { email: 'a@example.com', device })).status).toBe(
      200,
    )
    await s.post('/api/users/registerDeviceToken', {
      email: 'a@example.com',
      device: { ...device, dataFields: { appVersion: '2' } },
    })
    const devices = (await s.get('/api/users/a@example.com')).body.user.dataFields.devices
    expect(devices).toEqual([
      { token: 't1', platform: 'GCM', applicationName: 'app', appVersion: '2', endpointEnabled: true },
    ])
    const bad = await s.post('/api/users/registerDeviceToken', {
      email: 'a@example.com',
      device: { ...device, platform: 'SMS' },
    })
    expect(bad.status).toBe(400)
  })

  test('device and browser-token caps', async () => {
    s = testSandbox({ behaviour: { maxDevicesPerUser: 1, maxBrowserTokensPerUser: 1 } })
    const device = (token: string): Record<string, unknown> => ({
      token,
      platform: 'APNS',
      applicationName: 'a',
    })
    expect(
      (await s.post('/api/users/registerDeviceToken', { email: 'a@example.com', device: device('1') }))
        .status,
    ).toBe(200)
    expect(
      (await s.post('/api/users/registerDeviceToken', { email: 'a@example.com', device: device('2') }))
        .status,
    ).toBe(400)
    expect(
      (await s.post('/api/users/registerBrowserToken', { email: 'a@example.com', browserToken: 'b1' }))
        .status,
    ).toBe(200)
    expect(
      (await s.post('/api/users/registerBrowserToken', { email: 'a@example.com', browserToken: 'b1' }))
        .status,
    ).toBe(200)
    expect(
      (await s.post('/api/users/registerBrowserToken', { email: 'a@example.com', browserToken: 'b2' }))
        .status,
    ).toBe(400)
    expect((await s.get('/api/users/a@example.com')).body.user.dataFields.browserTokens).toEqual(['b1'])
  })

  test('updateSubscriptions overwrites the fields it is sent and creates the user', async () => {
    s = testSandbox({ projects: [{ type: 'email' }] })
    await s.post('/api/users/updateSubscriptions', {
      email: 'a@example.com',
      emailListIds: [1, 2],
      unsubscribedChannelIds: [5],
    })
    await s.post('/api/users/updateSubscriptions', { email: 'a@example.com', emailListIds: [3] })
    const fields = (await s.get('/api/users/a@example.com')).body.user.dataFields
    expect(fields.emailListIds).toEqual([3])
    expect(fields.unsubscribedChannelIds).toEqual([5])
  })
})
