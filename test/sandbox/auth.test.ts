import { afterEach, describe, expect, test } from 'vitest'
import { testSandbox } from './helpers.js'
import type { TestSandbox } from './helpers.js'

let s: TestSandbox
afterEach(async () => s?.close())

const twoProjects = (): TestSandbox =>
  (s = testSandbox({
    projects: [
      { name: 'us-email', type: 'email', dataCenter: 'US', apiKeys: ['us-key-1', 'us-key-2'] },
      { name: 'eu-hybrid', type: 'hybrid', dataCenter: 'EU', apiKeys: ['eu-key'] },
      { name: 'us-other', type: 'userId', dataCenter: 'US', apiKeys: ['other-key'] },
    ],
  }))

describe('API keys', () => {
  test('missing or wrong key → 401 BadApiKey with the documented body', async () => {
    twoProjects()
    for (const key of [null, 'wrong']) {
      const r = await s.post('/api/users/update', { email: 'a@example.com' }, { key })
      expect(r.status).toBe(401)
      expect(r.body).toEqual({
        msg: 'Invalid API key',
        code: 'BadApiKey',
        params: { ip: '127.0.0.1', endpoint: '/api/users/update' },
      })
    }
    expect((await s.get('/api/webhooks', { key: 'wrong' })).status).toBe(401)
  })

  test('Api-Key, Api_Key in any case, and ?api_key= are accepted', async () => {
    twoProjects()
    for (const header of ['Api-Key', 'api-key', 'API-KEY', 'Api_Key', 'api_key']) {
      const r = await s.post(
        '/api/users/update',
        { email: 'a@example.com' },
        { key: null, headers: { [header]: 'us-key-1' } },
      )
      expect(r.status, header).toBe(200)
    }
    expect((await s.get('/api/webhooks?api_key=us-key-2', { key: null })).body).toEqual({ webhooks: [] })
  })

  test('query-string keys can be switched off', async () => {
    s = testSandbox({ projects: [{ apiKeys: ['k'] }], behaviour: { allowQueryApiKey: false } })
    expect((await s.get('/api/webhooks?api_key=k', { key: null })).status).toBe(401)
  })

  test('a key only reaches its own project', async () => {
    twoProjects()
    await s.post('/api/users/update', { email: 'a@example.com' }, { key: 'us-key-1' })
    expect((await s.get('/api/users/a@example.com', { key: 'us-key-2' })).body.user.email).toBe(
      'a@example.com',
    )
    // Same DC, other project: the user is not there.
    expect((await s.get('/api/users/byUserId/x', { key: 'other-key' })).body).toEqual({})
    expect(s.sandbox.state.project('us-other').users.size).toBe(0)
  })

  test('an EU key is refused on the US base URL and accepted on /eu; a US key is refused on /eu', async () => {
    twoProjects()
    const usOnUs = await s.post('/api/users/update', { email: 'a@example.com' }, { key: 'us-key-1' })
    expect(usOnUs.status).toBe(200)
    const euOnUs = await s.post('/api/users/update', { email: 'a@example.com' }, { key: 'eu-key' })
    expect(euOnUs.status).toBe(401)
    expect(euOnUs.body.code).toBe('BadApiKey')
    const euOnEu = await s.post('/eu/api/users/update', { email: 'a@example.com' }, { key: 'eu-key' })
    expect(euOnEu.status).toBe(200)
    const usOnEu = await s.post('/eu/api/users/update', { email: 'a@example.com' }, { key: 'us-key-1' })
    expect(usOnEu.status).toBe(401)
    expect(usOnEu.body.params.endpoint).toBe('/api/users/update')
    // Stats use the documented path whatever the prefix.
    const stats = (await s.get('/_sandbox/stats', { key: null })).body
    expect(stats.endpoints['/api/users/update'].requests).toEqual({ '200': 2, '401': 2 })
  })

  test('the Host header selects the data center too (api.eu.iterable.com / eu.*)', async () => {
    twoProjects()
    const viaHost = await s.post(
      '/api/users/update',
      { email: 'a@example.com' },
      { key: 'eu-key', headers: { host: 'api.eu.iterable.com' } },
    )
    expect(viaHost.status).toBe(200)
    const usHost = await s.post(
      '/api/users/update',
      { email: 'a@example.com' },
      { key: 'eu-key', headers: { host: 'api.iterable.com' } },
    )
    expect(usHost.status).toBe(401)
    const euPrefixHost = await s.post(
      '/api/users/update',
      { email: 'a@example.com' },
      { key: 'eu-key', headers: { host: 'eu.localhost:4010' } },
    )
    expect(euPrefixHost.status).toBe(200)
  })

  test('/_sandbox routes need no key', async () => {
    twoProjects()
    expect((await s.get('/_sandbox/stats', { key: null })).status).toBe(200)
    const projects = (await s.get('/_sandbox/projects', { key: null })).body.projects
    expect(projects.map((p: { name: string; pathPrefix: string }) => [p.name, p.pathPrefix])).toEqual([
      ['us-email', ''],
      ['eu-hybrid', '/eu'],
      ['us-other', ''],
    ])
  })

  test('two projects may not share a key', () => {
    expect(() => testSandbox({ projects: [{ apiKeys: ['k'] }, { apiKeys: ['k'] }] })).toThrow(
      /used by two projects/,
    )
  })
})
