import { afterEach, describe, expect, test } from 'vitest'
import { testSandbox } from './helpers.js'
import type { TestSandbox } from './helpers.js'

let s: TestSandbox
afterEach(async () => s?.close())

const project = (type: 'email' | 'userId' | 'hybrid', dataCenter = 'US'): TestSandbox =>
  (s = testSandbox({ projects: [{ type, dataCenter }] }))

describe('email-based project', () => {
  test('users/update creates the user by email, lower-cased; userId sent along is set', async () => {
    project('email')
    const r = await s.post('/api/users/update', {
      email: 'Jane@Example.COM',
      userId: 'u1',
      dataFields: { a: 1 },
    })
    expect(r).toMatchObject({ status: 200, body: { msg: '', code: 'Success', params: null } })
    const got = await s.get('/api/users/getByEmail?email=jane@example.com')
    expect(got.body.user).toMatchObject({ email: 'jane@example.com', userId: 'u1', dataFields: { a: 1 } })
  })

  test('events/track for an unknown email does not create a user (400 UnknownEmailError)', async () => {
    project('email')
    const r = await s.post('/api/events/track', { email: 'new@example.com', eventName: 'e' })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('UnknownEmailError')
    expect((await s.get('/api/users/new@example.com')).body).toEqual({})
  })

  test('trackBulk lists unknown emails (lower-cased) in notFoundEmails', async () => {
    project('email')
    await s.post('/api/users/update', { email: 'known@example.com' })
    const r = await s.post('/api/events/trackBulk', {
      events: [
        { email: 'known@example.com', eventName: 'e' },
        { email: 'Unknown@Example.com', eventName: 'e' },
        { userId: 'nobody', eventName: 'e' },
      ],
    })
    expect(r.status).toBe(200)
    expect(r.body.successCount).toBe(1)
    expect(r.body.failCount).toBe(2)
    expect(r.body.failedUpdates.notFoundEmails).toEqual(['unknown@example.com'])
    expect(r.body.failedUpdates.notFoundUserIds).toEqual(['nobody'])
  })

  test('userId only: error without preferUserId, placeholder email with it', async () => {
    project('email')
    const refused = await s.post('/api/users/update', { userId: 'u9', dataFields: { a: 1 } })
    expect(refused.status).toBe(400)
    expect(refused.body.code).toBe('UnknownUserIdError')
    const created = await s.post('/api/users/update', {
      userId: 'u9',
      preferUserId: true,
      dataFields: { a: 1 },
    })
    expect(created.status).toBe(200)
    const got = await s.get('/api/users/byUserId/u9')
    expect(got.body.user.email).toMatch(/^[0-9a-f]{32}@placeholder\.email$/)
    // Later userId-only calls find that user.
    await s.post('/api/users/update', { userId: 'u9', dataFields: { b: 2 } })
    expect((await s.get('/api/users/byUserId/u9')).body.user.dataFields).toMatchObject({ a: 1, b: 2 })
  })

  test('userIds are not unique: two emails may share one; userId calls act on the first', async () => {
    project('email')
    await s.post('/api/users/update', { email: 'one@example.com', userId: 'shared' })
    const second = await s.post('/api/users/update', { email: 'two@example.com', userId: 'shared' })
    expect(second.status).toBe(200)
    expect(s.sandbox.state.project().allByUserId('shared')).toHaveLength(2)
    expect((await s.get('/api/users/byUserId/shared')).body.user.email).toBe('one@example.com')
  })

  test('dataFields.userId sets the userId', async () => {
    project('email')
    await s.post('/api/users/update', { email: 'a@example.com', dataFields: { userId: 'set-later' } })
    expect((await s.get('/api/users/byUserId/set-later')).body.user.email).toBe('a@example.com')
  })

  test('invalid emails are refused with the observed message', async () => {
    project('email')
    for (const bad of ['000', 'none', 'a@b', 'a@@b.com', 'a b@c.com', 'x@domain.c0m']) {
      const r = await s.post('/api/users/update', { email: bad })
      expect(r.status, bad).toBe(400)
      expect(r.body).toEqual({ msg: `Invalid email: ${bad}`, code: 'InvalidEmailAddressError', params: null })
    }
  })

  test('preferUserId is ignored outside email-based projects (userId creates anyway)', async () => {
    project('userId')
    const r = await s.post('/api/users/update', { userId: 'x', preferUserId: false })
    expect(r.status).toBe(200)
    expect((await s.get('/api/users/byUserId/x')).body.user.email).toBeUndefined()
  })
})

describe('userID-based project', () => {
  test('unknown userId creates the user for users/update and for custom events', async () => {
    project('userId')
    expect((await s.post('/api/users/update', { userId: 'u1' })).status).toBe(200)
    const t = await s.post('/api/events/track', { userId: 'u2', eventName: 'e' })
    expect(t.status).toBe(200)
    expect(t.body.params.id).toEqual(expect.any(String))
    expect((await s.get('/api/users/byUserId/u2')).body.user.userId).toBe('u2')
  })

  test('email alone does not identify a user', async () => {
    project('userId')
    const r = await s.post('/api/users/update', { email: 'a@example.com' })
    expect(r.status).toBe(400)
    const bulk = await s.post('/api/users/bulkUpdate', {
      users: [{ email: 'a@example.com' }, { userId: 'ok' }],
    })
    expect(bulk.body.successCount).toBe(1)
    expect(bulk.body.failedUpdates.notFoundEmails).toEqual(['a@example.com'])
  })

  test('emails are not unique and email sent with a userId is stored', async () => {
    project('userId')
    await s.post('/api/users/update', { userId: 'u1', email: 'same@example.com' })
    const r = await s.post('/api/users/update', { userId: 'u2', email: 'same@example.com' })
    expect(r.status).toBe(200)
    expect((await s.get('/api/users/byUserId/u2')).body.user.email).toBe('same@example.com')
  })

  test('dataFields.userId renames; renaming onto an existing userId is a 409', async () => {
    project('userId')
    await s.post('/api/users/update', { userId: 'old' })
    await s.post('/api/users/update', { userId: 'taken' })
    expect((await s.post('/api/users/update', { userId: 'old', dataFields: { userId: 'new' } })).status).toBe(
      200,
    )
    expect((await s.get('/api/users/byUserId/new')).body.user).toBeDefined()
    expect((await s.get('/api/users/byUserId/old')).body).toEqual({})
    const clash = await s.post('/api/users/update', { userId: 'new', dataFields: { userId: 'taken' } })
    expect(clash.status).toBe(409)
    expect(clash.body.code).toBe('UserIdAlreadyExists')
  })

  test('DELETE by email is not available', async () => {
    project('userId')
    expect((await s.del('/api/users/a@example.com')).status).toBe(400)
  })
})

describe('hybrid project', () => {
  test('email alone or userId alone creates a user', async () => {
    project('hybrid')
    expect((await s.post('/api/users/update', { email: 'e@example.com' })).status).toBe(200)
    expect((await s.post('/api/users/update', { userId: 'only-id' })).status).toBe(200)
    expect(s.sandbox.state.project().users.size).toBe(2)
  })

  test('email and userId of two different users → 409 conflict; bulk lists both', async () => {
    project('hybrid')
    await s.post('/api/users/update', { email: 'a@example.com', userId: 'A' })
    await s.post('/api/users/update', { email: 'b@example.com', userId: 'B' })
    const r = await s.post('/api/users/update', { email: 'a@example.com', userId: 'B' })
    expect(r.status).toBe(409)
    expect(r.body.msg).toBe('Email/userId conflict')
    const bulk = await s.post('/api/users/bulkUpdate', { users: [{ email: 'A@example.com', userId: 'B' }] })
    expect(bulk.body.failCount).toBe(1)
    expect(bulk.body.failedUpdates.conflictEmails).toEqual(['a@example.com'])
    expect(bulk.body.failedUpdates.conflictUserIds).toEqual(['B'])
  })

  test('a known email gets a userId attached when it has none', async () => {
    project('hybrid')
    await s.post('/api/users/update', { email: 'a@example.com' })
    await s.post('/api/users/update', { email: 'a@example.com', userId: 'A' })
    expect(s.sandbox.state.project().users.size).toBe(1)
    expect((await s.get('/api/users/byUserId/A')).body.user.email).toBe('a@example.com')
  })

  test('dataFields.email changes the email; onto an existing email → 409 EmailAlreadyExists', async () => {
    project('hybrid')
    await s.post('/api/users/update', { userId: 'A', email: 'a@example.com' })
    await s.post('/api/users/update', { userId: 'B', email: 'b@example.com' })
    expect(
      (await s.post('/api/users/update', { userId: 'A', dataFields: { email: 'A2@example.com' } })).status,
    ).toBe(200)
    expect((await s.get('/api/users/a2@example.com')).body.user.userId).toBe('A')
    const clash = await s.post('/api/users/update', { userId: 'A', dataFields: { email: 'b@example.com' } })
    expect(clash.status).toBe(409)
    expect(clash.body.code).toBe('EmailAlreadyExists')
  })

  test('custom events create unknown users', async () => {
    project('hybrid')
    const r = await s.post('/api/events/trackBulk', { events: [{ email: 'n@example.com', eventName: 'e' }] })
    expect(r.body.successCount).toBe(1)
    expect((await s.get('/api/users/n@example.com')).body.user).toBeDefined()
  })
})

describe('userId rules (all project types)', () => {
  test.each(['email', 'userId', 'hybrid'] as const)(
    '%s: userId over 52 chars, trailing space or non-ASCII is invalid',
    async (type) => {
      project(type)
      const ok = 'u'.repeat(52)
      const body = (userId: string): Record<string, unknown> =>
        type === 'email' ? { userId, preferUserId: true } : { userId }
      expect((await s.post('/api/users/update', body(ok))).status).toBe(200)
      for (const bad of ['u'.repeat(53), 'trailing ', 'naïve']) {
        const r = await s.post('/api/users/update', body(bad))
        expect(r.status, bad).toBe(400)
        expect(r.body.code).toBe('InvalidUserIdError')
      }
      const bulk = await s.post('/api/users/bulkUpdate', { users: [body('u'.repeat(53)), body(ok)] })
      expect(bulk.body.failedUpdates.invalidUserIds).toEqual(['u'.repeat(53)])
      expect(bulk.body.invalidUserIds).toEqual(['u'.repeat(53)])
    },
  )
})

describe('forgotten users', () => {
  test('forget deletes the user; later calls get 409 ForgottenUserError, bulk lists forgottenEmails', async () => {
    project('email')
    await s.post('/api/users/update', { email: 'gone@example.com', dataFields: { a: 1 } })
    expect((await s.post('/api/users/forget', { email: 'gone@example.com' })).status).toBe(200)
    expect((await s.get('/api/users/gone@example.com')).body).toEqual({})
    const single = await s.post('/api/users/update', { email: 'gone@example.com' })
    expect(single.status).toBe(409)
    expect(single.body.code).toBe('ForgottenUserError')
    const bulk = await s.post('/api/users/bulkUpdate', { users: [{ email: 'Gone@example.com' }] })
    expect(bulk.body.failedUpdates.forgottenEmails).toEqual(['gone@example.com'])
    const events = await s.post('/api/events/trackBulk', {
      events: [{ email: 'gone@example.com', eventName: 'e' }],
    })
    expect(events.body.failedUpdates.forgottenEmails).toEqual(['gone@example.com'])
    await s.post('/api/users/unforget', { email: 'gone@example.com' })
    expect((await s.post('/api/users/update', { email: 'gone@example.com' })).status).toBe(200)
  })
})

describe('data centers', () => {
  test('an email-based project cannot be created in the EU', () => {
    expect(() => testSandbox({ projects: [{ type: 'email', dataCenter: 'EU' }] })).toThrow(
      /cannot live in the EU/,
    )
  })
})
