import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, test } from 'vitest'
import { testSandbox } from './helpers.js'
import type { TestSandbox } from './helpers.js'

let s: TestSandbox | undefined
afterEach(async () => {
  await s?.close()
  s = undefined
})

const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-persist-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('GET /_sandbox/projects', () => {
  const keys = ['project-one-key-0123456789', 'project-two-key-abcdefghij']
  const projects = [
    { name: 'one', apiKeys: [keys[0]] },
    { name: 'two', dataCenter: 'EU', apiKeys: [keys[1], 'short'] },
  ]

  test('lists each key by its last 4 characters (none of a short key), never in full', async () => {
    s = testSandbox({ projects })
    const answer = await s.get('/_sandbox/projects', { key: null })
    expect(answer.status).toBe(200)
    expect(JSON.stringify(answer.body)).not.toMatch(/project-one-key|project-two-key|short/)
    expect(
      answer.body.projects.map((p: { name: string; apiKeyHints: string[] }) => [p.name, p.apiKeyHints]),
    ).toEqual([
      ['one', ['6789']],
      ['two', ['ghij', '']],
    ])
  })

  test('showKeys: the keys in full as well', async () => {
    s = testSandbox({ projects, showKeys: true })
    const answer = await s.get('/_sandbox/projects', { key: null })
    expect(answer.body.projects.map((p: { apiKeys: string[] }) => p.apiKeys)).toEqual([
      [keys[0]],
      [keys[1], 'short'],
    ])
  })
})

describe('GET /_sandbox/stats', () => {
  test('exact shape: per documented path, requests by status, accepted and rejected items by reason', async () => {
    s = testSandbox({ projects: [{ type: 'email' }] })
    await s.post('/api/users/update', { email: 'a@example.com' })
    await s.post('/api/users/update', { email: 'bad' })
    await s.post('/api/users/update', { email: 'a@example.com' }, { key: 'nope' })
    await s.post('/api/events/trackBulk', {
      events: [
        { email: 'a@example.com', eventName: 'E' },
        { email: 'a@example.com', eventName: 'E' },
        { email: 'ghost@example.com', eventName: 'E' },
        { email: 'x', eventName: 'E' },
      ],
    })
    await s.post('/api/users/bulkUpdate', {
      users: [{ email: 'a@example.com', dataFields: { n: 'x' } }, { email: 'b@example.com' }],
    })
    await s.post('/api/users/bulkUpdate', {
      users: [{ email: 'c@example.com', dataFields: { n: 1 } }, { email: 'd@example.com' }],
    })
    await s.get('/api/users/a@example.com')
    await s.get('/api/events/a@example.com')
    await s.post('/api/commerce/updateCart', { user: { email: 'a@example.com' }, items: [] })
    const stats = (await s.get('/_sandbox/stats', { key: null })).body
    expect(stats).toEqual({
      endpoints: {
        '/api/users/update': {
          requests: { '200': 1, '400': 1, '401': 1 },
          accepted: 1,
          rejected: { InvalidEmailAddressError: 1, BadApiKey: 1 },
        },
        '/api/events/trackBulk': {
          requests: { '200': 1 },
          accepted: 2,
          rejected: { notFoundEmails: 1, invalidEmails: 1 },
        },
        '/api/users/bulkUpdate': {
          requests: { '200': 1, '400': 1 },
          accepted: 2,
          rejected: { RequestFieldsTypesMismatched: 2 },
        },
        '/api/users/{email}': { requests: { '200': 1 }, accepted: 0, rejected: {} },
        '/api/events/{email}': { requests: { '200': 1 }, accepted: 0, rejected: {} },
        '/api/commerce/updateCart': { requests: { '200': 1 }, accepted: 1, rejected: {} },
      },
    })
  })

  test('429 and injected faults are counted under the route with their status and code', async () => {
    s = testSandbox({ rateLimits: true })
    for (let i = 0; i < 7; i++)
      await s.post('/api/users/bulkUpdate', {
        users: [{ email: 'a@example.com' }, { email: 'b@example.com' }],
      })
    const entry = (await s.get('/_sandbox/stats', { key: null })).body.endpoints['/api/users/bulkUpdate']
    expect(entry.requests['200'] + entry.requests['429']).toBe(7)
    expect(entry.accepted).toBe(entry.requests['200'] * 2)
    expect(entry.rejected.RateLimitExceeded).toBe(entry.requests['429'] * 2)
  })
})

describe('POST /_sandbox/reset', () => {
  test('empties users, events, field types, forgotten ids and stats; keys keep working', async () => {
    s = testSandbox()
    await s.post('/api/users/update', { email: 'a@example.com', dataFields: { n: 1 } })
    await s.post('/api/events/track', { email: 'a@example.com', eventName: 'E' })
    await s.post('/api/users/forget', { email: 'f@example.com' })
    expect((await s.post('/_sandbox/reset', undefined, { key: null })).body).toEqual({ ok: true })
    expect((await s.get('/api/users/a@example.com')).body).toEqual({})
    expect(s.sandbox.state.project().users.size).toBe(0)
    // The type of n is forgotten: a string is fine now.
    expect(
      (await s.post('/api/users/update', { email: 'a@example.com', dataFields: { n: 'x' } })).status,
    ).toBe(200)
    expect((await s.post('/api/users/update', { email: 'f@example.com' })).status).toBe(200)
    const stats = (await s.get('/_sandbox/stats', { key: null })).body
    // Only what happened after the reset.
    expect(Object.keys(stats.endpoints).sort()).toEqual(['/api/users/update', '/api/users/{email}'])
    expect(stats.endpoints['/api/users/update'].requests).toEqual({ '200': 2 })
  })
})

describe('SQLite persistence', () => {
  test('state survives a restart: users, events, field types, forgotten ids', async () => {
    const file = path.join(dir, 'state.db')
    const projects = [{ name: 'demo', type: 'email', apiKeys: ['demo-key'] }]
    s = testSandbox({ projects, persist: file })
    await s.post('/api/users/update', {
      email: 'a@example.com',
      userId: 'u1',
      dataFields: { n: 1, d: '2024-01-01' },
    })
    await s.post('/api/events/trackBulk', {
      events: [{ email: 'a@example.com', eventName: 'E', id: 'e1', dataFields: { v: true } }],
    })
    await s.post('/api/commerce/trackPurchase', {
      id: 'p1',
      user: { email: 'a@example.com' },
      items: [],
      total: 5,
    })
    await s.post('/api/users/update', { email: 'gone@example.com' })
    await s.post('/api/users/forget', { email: 'gone@example.com' })
    await s.close()

    s = testSandbox({ projects, persist: file })
    const user = (await s.get('/api/users/a@example.com')).body.user
    expect(user).toMatchObject({
      email: 'a@example.com',
      userId: 'u1',
      dataFields: { n: 1, d: '2024-01-01 00:00:00 +00:00' },
    })
    const events = (await s.get('/api/events/a@example.com')).body.events
    expect(events.map((e: { id: string }) => e.id)).toEqual(['p1', 'e1'])
    expect(
      (await s.post('/api/users/update', { email: 'a@example.com', dataFields: { n: 'x' } })).body.code,
    ).toBe('RequestFieldsTypesMismatched')
    expect((await s.post('/api/users/update', { email: 'gone@example.com' })).status).toBe(409)
    // New records continue the sequences without clobbering old rows.
    await s.post('/api/events/track', { email: 'a@example.com', eventName: 'E', id: 'e2' })
    await s.post('/api/users/update', { email: 'b@example.com' })
    await s.close()

    s = testSandbox({ projects, persist: file })
    expect((await s.get('/api/events/a@example.com')).body.events.map((e: { id: string }) => e.id)).toEqual([
      'e2',
      'p1',
      'e1',
    ])
    expect(s.sandbox.state.project().users.size).toBe(2)
    // Reset also empties the file.
    await s.post('/_sandbox/reset', undefined, { key: null })
    await s.close()
    s = testSandbox({ projects, persist: file })
    expect(s.sandbox.state.project().users.size).toBe(0)
  })

  test('field types of events named like object members (__proto__, constructor) survive a restart', async () => {
    const file = path.join(dir, 'member-names.db')
    const projects = [{ name: 'demo', type: 'email', apiKeys: ['demo-key'] }]
    s = testSandbox({ projects, persist: file })
    await s.post('/api/users/update', { email: 'a@example.com' })
    for (const eventName of ['__proto__', 'constructor'])
      await s.post('/api/events/track', { email: 'a@example.com', eventName, dataFields: { v: 1 } })
    await s.close()

    s = testSandbox({ projects, persist: file })
    for (const eventName of ['__proto__', 'constructor']) {
      const mismatch = await s.post('/api/events/track', {
        email: 'a@example.com',
        eventName,
        dataFields: { v: 'text' },
      })
      expect(mismatch.body.code, eventName).toBe('RequestFieldsTypesMismatched')
    }
  })

  test('deletes and email changes persist', async () => {
    const file = path.join(dir, 'changes.db')
    const projects = [{ name: 'demo', type: 'email', apiKeys: ['demo-key'] }]
    s = testSandbox({ projects, persist: file })
    await s.post('/api/users/update', { email: 'old@example.com' })
    await s.post('/api/events/track', { email: 'old@example.com', eventName: 'E', id: 'keep' })
    await s.post('/api/users/updateEmail', { currentEmail: 'old@example.com', newEmail: 'new@example.com' })
    await s.post('/api/users/update', { email: 'del@example.com' })
    await s.del('/api/users/del@example.com')
    await s.close()
    s = testSandbox({ projects, persist: file })
    expect((await s.get('/api/users/old@example.com')).body).toEqual({})
    expect((await s.get('/api/users/del@example.com')).body).toEqual({})
    expect((await s.get('/api/events/new@example.com')).body.events[0].id).toBe('keep')
  })
})
