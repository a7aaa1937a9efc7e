// The sandbox's lists for syncAudience (issue 16 item 2): POST /api/lists creates a list that GET
// /api/lists shows and lists/subscribe accepts, membership is kept on the profile, bad bodies are
// 400 BadParams, rate limits answer 429, and created lists survive a restart with persistence.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, test } from 'vitest'
import { testSandbox, type TestSandbox } from './helpers.js'

let s: TestSandbox | undefined
afterEach(async () => {
  await s?.close()
  s = undefined
})
const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-lists-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('POST /api/lists', () => {
  test('creates a Standard list after the configured ones; GET /api/lists shows it', async () => {
    s = testSandbox({ projects: [{ lists: [{ id: 5, name: 'Newsletter', listType: 'Standard' }] }] })
    const created = await s.post('/api/lists', { name: 'vip_users' })
    expect(created).toMatchObject({ status: 200, body: { listId: 6 } })
    expect((await s.post('/api/lists', { name: 'churn_risk' })).body).toEqual({ listId: 7 })
    const lists = (await s.get('/api/lists')).body.lists
    expect(lists).toEqual([
      { id: 5, name: 'Newsletter', listType: 'Standard' },
      { id: 6, name: 'vip_users', listType: 'Standard' },
      { id: 7, name: 'churn_risk', listType: 'Standard' },
    ])
  })

  test('a created list takes subscribers where only configured list ids exist', async () => {
    s = testSandbox({ projects: [{ type: 'email', listIds: [1] }] })
    const listId = (await s.post('/api/lists', { name: 'vip_users' })).body.listId
    expect(listId).toBe(2)
    const r = await s.post('/api/lists/subscribe', { listId, subscribers: [{ email: 'a@example.com' }] })
    expect(r.body).toMatchObject({ successCount: 1, failCount: 0 })
    const user = (await s.get('/api/users/a@example.com')).body.user
    expect(user.dataFields.emailListIds).toEqual([2])
    // An id never configured nor created is still refused.
    expect(
      (await s.post('/api/lists/subscribe', { listId: 3, subscribers: [{ email: 'a@example.com' }] })).body
        .msg,
    ).toBe('error.lists.invalidListId(3)')
  })

  test('a body without a name is a 400 BadJsonBody, an empty name a 400 BadParams, both naming it', async () => {
    s = testSandbox()
    const missing = await s.post('/api/lists', {})
    expect(missing.status).toBe(400)
    expect(missing.body.code).toBe('BadJsonBody')
    expect(missing.body.params).toEqual({ 'obj.name': 'error.path.missing' })
    const empty = await s.post('/api/lists', { name: ' ' })
    expect(empty).toMatchObject({ status: 400, body: { code: 'BadParams' } })
    expect(empty.body.msg).toContain('"name" is empty')
    expect((await s.get('/api/lists')).body.lists).toEqual([])
  })

  test('rate limited like GET /api/lists: 429 RateLimitExceeded past the limit', async () => {
    s = testSandbox({ rateLimits: true, rateLimitOverrides: { 'POST /api/lists': 1 } })
    expect((await s.post('/api/lists', { name: 'a' })).status).toBe(200)
    const limited = await s.post('/api/lists', { name: 'b' })
    expect(limited).toMatchObject({ status: 429, body: { code: 'RateLimitExceeded' } })
    // GET has its own bucket.
    expect((await s.get('/api/lists')).body.lists.map((l: { name: string }) => l.name)).toEqual(['a'])
  })

  test('a reset forgets created lists, not configured ones', async () => {
    s = testSandbox({ projects: [{ lists: [{ id: 5, name: 'Newsletter', listType: 'Standard' }] }] })
    await s.post('/api/lists', { name: 'vip_users' })
    expect((await s.post('/_sandbox/reset', {}, { key: null })).status).toBe(200)
    expect((await s.get('/api/lists')).body.lists).toEqual([
      { id: 5, name: 'Newsletter', listType: 'Standard' },
    ])
  })

  test('created lists survive a restart with persistence', async () => {
    const file = path.join(dir, 'lists.db')
    const projects = [{ name: 'demo', type: 'hybrid', apiKeys: ['demo-key'] }]
    s = testSandbox({ projects, persist: file })
    await s.post('/api/lists', { name: 'vip_users' })
    await s.close()
    s = testSandbox({ projects, persist: file })
    expect((await s.get('/api/lists')).body.lists).toEqual([
      { id: 1, name: 'vip_users', listType: 'Standard' },
    ])
    expect((await s.post('/api/lists', { name: 'next' })).body).toEqual({ listId: 2 })
  })
})

describe('membership through lists/subscribe and lists/unsubscribe', () => {
  test('userId project: subscribe with preferUserId, unsubscribe with channelUnsubscribe and campaignId', async () => {
    s = testSandbox({ projects: [{ type: 'userId' }] })
    const listId = (await s.post('/api/lists', { name: 'vip_users' })).body.listId
    const sub = await s.post('/api/lists/subscribe', {
      listId,
      subscribers: [
        { userId: 'u1', email: 'a@example.com', preferUserId: true, dataFields: { plan: 'gold' } },
      ],
    })
    expect(sub.body).toMatchObject({ successCount: 1, failCount: 0 })
    const user = (await s.get('/api/users/byUserId/u1')).body.user
    expect(user.dataFields).toMatchObject({ userListIds: [listId], plan: 'gold' })
    const unsub = await s.post('/api/lists/unsubscribe', {
      listId,
      subscribers: [{ userId: 'u1' }],
      campaignId: 42,
      channelUnsubscribe: false,
    })
    expect(unsub.body).toMatchObject({ successCount: 1, failCount: 0 })
    expect((await s.get('/api/users/byUserId/u1')).body.user.dataFields.userListIds).toEqual([])
  })
})
