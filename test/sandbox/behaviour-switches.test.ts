import { afterEach, describe, expect, test } from 'vitest'
import { testSandbox } from './helpers.js'
import type { TestSandbox } from './helpers.js'

let s: TestSandbox
afterEach(async () => s?.close())

describe('behaviour switches and quirks', () => {
  test("unknownUserTrack 'drop': single track for an unknown email answers 200 and stores nothing", async () => {
    s = testSandbox({ projects: [{ type: 'email' }], behaviour: { unknownUserTrack: 'drop' } })
    const r = await s.post('/api/events/track', { email: 'ghost@example.com', eventName: 'E', id: 'x' })
    expect(r.status).toBe(200)
    expect(r.body.code).toBe('Success')
    expect(s.sandbox.state.project().users.size).toBe(0)
    expect(s.sandbox.stats.snapshot().endpoints['/api/events/track'].rejected).toEqual({ notFoundEmails: 1 })
  })

  test('a disallowed event name on single track answers Success with the observed text and is not stored', async () => {
    s = testSandbox({ projects: [{ disallowedEventNames: ['Spam'] }] })
    const r = await s.post('/api/events/track', { email: 'a@example.com', eventName: 'Spam' })
    expect(r.body).toEqual({
      msg: 'Event name Spam is disallowed from tracking',
      code: 'Success',
      params: null,
    })
    expect((await s.get('/api/events/a@example.com')).body).toEqual({ events: [] })
  })

  test('hybrid: one identifier matches a user whose other identifier differs → 409', async () => {
    s = testSandbox({ projects: [{ type: 'hybrid' }] })
    await s.post('/api/users/update', { email: 'a@example.com', userId: 'A' })
    const r = await s.post('/api/users/update', { email: 'a@example.com', userId: 'other' })
    expect(r.status).toBe(409)
    expect(r.body.code).toBe('ExternalKeyConflict')
    expect(s.sandbox.state.project().findByUserId('other')).toBeUndefined()
  })

  test('GET /api/users/getFields lists field types by dotted path', async () => {
    s = testSandbox()
    await s.post('/api/users/update', {
      email: 'a@example.com',
      dataFields: {
        plan: 'pro',
        score: 1.5,
        vip: true,
        home: { city: 'X' },
        seen: '2024-01-01',
        place_geo_location: { lat: 1.5, lon: 2.5 },
      },
    })
    const fields = (await s.get('/api/users/getFields')).body.fields
    expect(fields).toMatchObject({
      plan: 'string',
      score: 'double',
      vip: 'boolean',
      home: 'object',
      'home.city': 'string',
      seen: 'date',
      place_geo_location: 'geo_location',
    })
  })

  test('a string-typed field accepts a date-looking string without changing type', async () => {
    s = testSandbox()
    await s.post('/api/users/update', { email: 'a@example.com', dataFields: { note: 'hello' } })
    expect(
      (await s.post('/api/users/update', { email: 'a@example.com', dataFields: { note: '2024-01-01' } }))
        .status,
    ).toBe(200)
    expect((await s.get('/api/users/a@example.com')).body.user.dataFields.note).toBe('2024-01-01')
  })

  test("typeCoercion 'lenient' accepts numbers into string fields and numeric strings into numbers", async () => {
    s = testSandbox({ behaviour: { typeCoercion: 'lenient' } })
    await s.post('/api/users/update', { email: 'a@example.com', dataFields: { code: 'A1', n: 1 } })
    expect(
      (await s.post('/api/users/update', { email: 'a@example.com', dataFields: { code: 42, n: '7' } }))
        .status,
    ).toBe(200)
    expect(
      (await s.post('/api/users/update', { email: 'a@example.com', dataFields: { n: '7.5' } })).status,
    ).toBe(400)
  })
})

describe('stored events are bounded', () => {
  test('per user (maxEventsPerUser) and per project (maxStoredEvents), oldest dropped first', async () => {
    s = testSandbox({ behaviour: { maxEventsPerUser: 4, maxStoredEvents: 12 } })
    const events = Array.from({ length: 10 }, (_, i) => ({
      email: 'one@example.com',
      eventName: 'E',
      id: `a${i}`,
    }))
    await s.post('/api/events/trackBulk', { events })
    const mine = (await s.get('/api/events/one@example.com')).body.events.map((e: { id: string }) => e.id)
    // Trimmed in chunks: never more than 4 + 4/4 kept, the newest ones.
    expect(mine.length).toBeLessThanOrEqual(5)
    expect(mine[0]).toBe('a9')
    const many = Array.from({ length: 20 }, (_, i) => ({
      email: `u${i}@example.com`,
      eventName: 'E',
      id: `b${i}`,
    }))
    await s.post('/api/events/trackBulk', { events: many })
    const project = s.sandbox.state.project()
    let stored = 0
    for (const user of project.users.values()) stored += user.events.length
    expect(stored).toBeLessThanOrEqual(12)
    expect(project.findEvent('customEvent', 'b19')).toBeDefined()
    expect(project.findEvent('customEvent', 'a0')).toBeUndefined()
  })
})
