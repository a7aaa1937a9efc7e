import { afterEach, describe, expect, test } from 'vitest'
import { testSandbox } from './helpers.js'
import type { TestSandbox } from './helpers.js'
import { canonicalDate, isIterableDate } from '../../src/sandbox/dates.js'
import { normalizeEmail } from '../../src/sandbox/identifiers.js'

let s: TestSandbox
afterEach(async () => s?.close())

const profile = async (email = 'a@example.com'): Promise<Record<string, unknown>> =>
  (await s.get(`/api/users/${email}`)).body.user.dataFields

describe('date recognition (§7.2)', () => {
  test.each([
    ['2024-11-25', '2024-11-25 00:00:00 +00:00'],
    ['2024-11-25 13:37:19', '2024-11-25 13:37:19 +00:00'],
    ['2024-11-25 13:37:19 +02:00', '2024-11-25 11:37:19 +00:00'],
    ['2024-11-25T13:37:19.123-01:30', '2024-11-25 15:07:19 +00:00'],
    ['2020-08-19T20:50:04.000Z', '2020-08-19 20:50:04 +00:00'],
  ])('%s is a date, canonical %s', (input, canonical) => {
    expect(isIterableDate(input)).toBe(true)
    expect(canonicalDate(input)).toBe(canonical)
  })

  test.each([
    '2024-11-25T13:37:19Z',
    '2024-11-25T13:37:19.123',
    '2024-11-25 13:37:19 0200',
    '2024/11/25',
    '2020-04-13 13:37:19.039',
    '2024-02-30',
    '2024-11-25 25:00:00',
    'hello',
  ])('%s is not a date', (input) => {
    expect(isIterableDate(input)).toBe(false)
  })

  test('email normalisation lower-cases and validates TLDs', () => {
    expect(normalizeEmail('Jane.Doe+x@Sub.Example.ORG')).toBe('jane.doe+x@sub.example.org')
    expect(normalizeEmail('a@example')).toBeUndefined()
    expect(normalizeEmail('.a@example.com')).toBeUndefined()
  })
})

describe('field types', () => {
  test('the first write fixes the type; a mismatch is 400 RequestFieldsTypesMismatched with validationErrors', async () => {
    s = testSandbox({ projects: [{ type: 'email' }] })
    await s.post('/api/users/update', {
      email: 'a@example.com',
      dataFields: { signup: '2020-08-19T20:50:04.000Z', n: 1 },
    })
    const r = await s.post('/api/users/update', {
      email: 'a@example.com',
      dataFields: { signup: 'not a date' },
    })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('RequestFieldsTypesMismatched')
    expect(r.body.msg).toContain(
      "Field 'signup' already exists for type 'user' and has a data type of 'date' but possible types 'string, keyword' in the request.",
    )
    expect(r.body.params.validationErrors.signup).toEqual({
      incomingTypes: ['string', 'keyword'],
      expectedType: 'date',
      _type: 'UnexpectedType',
      offendingValue: 'not a date',
      category: 'user',
    })
    // The failed request changed nothing.
    expect((await profile()).signup).toBe('2020-08-19 20:50:04 +00:00')
  })

  test('ISO without milliseconds is a string: it types a new field as string', async () => {
    s = testSandbox()
    await s.post('/api/users/update', {
      email: 'a@example.com',
      dataFields: { when: '2024-11-25T13:37:19Z' },
    })
    const fields = (await s.get('/api/users/getFields')).body.fields
    expect(fields.when).toBe('string')
    expect((await profile()).when).toBe('2024-11-25T13:37:19Z')
  })

  test('long into double is accepted by default; double into long is refused; strict mode refuses both', async () => {
    s = testSandbox()
    await s.post('/api/users/update', { email: 'a@example.com', dataFields: { price: 1.5, count: 1 } })
    expect(
      (await s.post('/api/users/update', { email: 'a@example.com', dataFields: { price: 2 } })).status,
    ).toBe(200)
    expect(
      (await s.post('/api/users/update', { email: 'a@example.com', dataFields: { count: 2.5 } })).status,
    ).toBe(400)
    await s.close()
    s = testSandbox({ behaviour: { typeCoercion: 'strict' } })
    await s.post('/api/users/update', { email: 'a@example.com', dataFields: { price: 1.5 } })
    expect(
      (await s.post('/api/users/update', { email: 'a@example.com', dataFields: { price: 2 } })).status,
    ).toBe(400)
  })

  test('nested leaves are typed by dotted path; objects cannot become scalars', async () => {
    s = testSandbox()
    await s.post('/api/users/update', { email: 'a@example.com', dataFields: { addr: { zip: 123 } } })
    const r = await s.post('/api/users/update', {
      email: 'a@example.com',
      dataFields: { addr: { zip: 'abc' } },
    })
    expect(r.body.params.validationErrors['addr.zip'].expectedType).toBe('long')
    const r2 = await s.post('/api/users/update', { email: 'a@example.com', dataFields: { addr: 'flat' } })
    expect(r2.body.params.validationErrors.addr.expectedType).toBe('object')
  })

  test('event fields are typed per event name', async () => {
    s = testSandbox()
    await s.post('/api/events/track', { email: 'a@example.com', eventName: 'A', dataFields: { v: 1 } })
    expect(
      (await s.post('/api/events/track', { email: 'a@example.com', eventName: 'B', dataFields: { v: 'x' } }))
        .status,
    ).toBe(200)
    const r = await s.post('/api/events/track', {
      email: 'a@example.com',
      eventName: 'A',
      dataFields: { v: 'x' },
    })
    expect(r.status).toBe(400)
    expect(r.body.params.validationErrors.v.category).toBe('event')
  })

  test('a type mismatch anywhere fails the whole bulk request (nothing written)', async () => {
    s = testSandbox()
    await s.post('/api/users/update', { email: 'a@example.com', dataFields: { n: 1 } })
    const r = await s.post('/api/users/bulkUpdate', {
      users: [
        { email: 'b@example.com', dataFields: { n: 2 } },
        { email: 'c@example.com', dataFields: { n: 'three' } },
      ],
    })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('RequestFieldsTypesMismatched')
    expect(Object.keys(r.body.params.validationErrors)).toEqual(['n'])
    expect((await s.get('/api/users/b@example.com')).body).toEqual({})
    const ev = await s.post('/api/events/trackBulk', {
      events: [
        { email: 'a@example.com', eventName: 'E', dataFields: { k: true } },
        { email: 'a@example.com', eventName: 'E', dataFields: { k: 'yes' } },
      ],
    })
    expect(ev.status).toBe(400)
    expect((await s.get('/api/events/a@example.com')).body.events).toEqual([])
  })

  test('date fields come back in canonical form; profiles and events', async () => {
    s = testSandbox()
    await s.post('/api/users/update', {
      email: 'a@example.com',
      dataFields: { d: '2024-01-02 03:04:05 +01:00', day: '2024-01-02' },
    })
    const p = await profile()
    expect(p.d).toBe('2024-01-02 02:04:05 +00:00')
    expect(p.day).toBe('2024-01-02 00:00:00 +00:00')
    expect(p.signupDate).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+00:00$/)
    await s.post('/api/events/track', {
      email: 'a@example.com',
      eventName: 'E',
      dataFields: { at: '2024-01-02T03:04:05.000Z' },
    })
    const ev = (await s.get('/api/events/a@example.com')).body.events[0]
    expect(ev.dataFields.at).toBe('2024-01-02 03:04:05 +00:00')
  })

  test('unique field limit → 400 UniqueFieldsLimitExceeded', async () => {
    s = testSandbox({ behaviour: { maxUserFields: 3 } })
    expect(
      (await s.post('/api/users/update', { email: 'a@example.com', dataFields: { a: 1, b: 1, c: 1 } }))
        .status,
    ).toBe(200)
    const r = await s.post('/api/users/update', { email: 'a@example.com', dataFields: { d: 1 } })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('UniqueFieldsLimitExceeded')
  })

  test('values over 32k characters are invalid data (single 400, bulk invalidDataEmails)', async () => {
    s = testSandbox()
    const big = 'x'.repeat(32_769)
    expect(
      (await s.post('/api/users/update', { email: 'a@example.com', dataFields: { t: big } })).status,
    ).toBe(400)
    const r = await s.post('/api/users/bulkUpdate', {
      users: [
        { email: 'a@example.com', dataFields: { t: big } },
        { email: 'b@example.com', dataFields: { t: 'ok' } },
      ],
    })
    expect(r.body.successCount).toBe(1)
    expect(r.body.failedUpdates.invalidDataEmails).toEqual(['a@example.com'])
  })

  test('createNewFields: false drops unknown fields and reports them', async () => {
    s = testSandbox()
    await s.post('/api/users/update', { email: 'a@example.com', dataFields: { known: 1 } })
    const r = await s.post('/api/users/bulkUpdate', {
      createNewFields: false,
      users: [{ email: 'a@example.com', dataFields: { known: 2, fresh: 'x' } }],
    })
    expect(r.body.filteredOutFields).toEqual(['fresh'])
    const p = await profile()
    expect(p.known).toBe(2)
    expect(p.fresh).toBeUndefined()
  })
})

describe('merge and null semantics (§7.3)', () => {
  test('top-level merge keeps absent fields; null deletes, even a date field', async () => {
    s = testSandbox()
    await s.post('/api/users/update', {
      email: 'a@example.com',
      dataFields: { a: 1, b: 'x', d: '2024-01-01' },
    })
    await s.post('/api/users/update', { email: 'a@example.com', dataFields: { b: null, d: null, c: true } })
    const p = await profile()
    expect(p).toMatchObject({ a: 1, c: true })
    expect('b' in p).toBe(false)
    expect('d' in p).toBe(false)
  })

  test('without mergeNestedObjects an object replaces the stored one', async () => {
    s = testSandbox()
    await s.post('/api/users/update', { email: 'a@example.com', dataFields: { s: { mobile: true } } })
    await s.post('/api/users/update', { email: 'a@example.com', dataFields: { s: { email: true } } })
    expect((await profile()).s).toEqual({ email: true })
  })

  test('mergeNestedObjects merges, and a nested null deletes that key', async () => {
    s = testSandbox()
    await s.post('/api/users/update', {
      email: 'a@example.com',
      dataFields: { addr: { street: 'Old', flat: 2, city: 'X', geo: { lat: 1, lon: 2 } } },
    })
    await s.post('/api/users/update', {
      email: 'a@example.com',
      mergeNestedObjects: true,
      dataFields: { addr: { street: 'New', city: null, geo: { lat: 3 } } },
    })
    // Default depth 'deep': geo.lon survives.
    expect((await profile()).addr).toEqual({ street: 'New', flat: 2, geo: { lat: 3, lon: 2 } })
  })

  test("mergeNestedDepth 'one' merges only the first level", async () => {
    s = testSandbox({ behaviour: { mergeNestedDepth: 'one' } })
    await s.post('/api/users/update', {
      email: 'a@example.com',
      dataFields: { addr: { street: 'Old', geo: { lat: 1, lon: 2 } } },
    })
    await s.post('/api/users/update', {
      email: 'a@example.com',
      mergeNestedObjects: true,
      dataFields: { addr: { geo: { lat: 3 } } },
    })
    expect((await profile()).addr).toEqual({ street: 'Old', geo: { lat: 3 } })
  })
})

describe('carts and purchases', () => {
  const item = { id: 'sku1', name: 'Shoe', price: 9.5, quantity: 2 }

  test('updateCart sets shoppingCartItems; trackPurchase stores the purchase and clears the cart', async () => {
    s = testSandbox({ projects: [{ type: 'email' }] })
    const cart = await s.post('/api/commerce/updateCart', {
      user: { email: 'Buyer@example.com' },
      items: [item],
    })
    expect(cart.status).toBe(200)
    expect((await profile('buyer@example.com')).shoppingCartItems).toEqual([item])
    const p = await s.post('/api/commerce/trackPurchase', {
      id: 'order-1',
      user: { email: 'buyer@example.com' },
      items: [item],
      total: 19,
    })
    expect(p.status).toBe(200)
    expect(p.body).toMatchObject({ code: 'Success', params: { id: 'order-1' } })
    expect((await profile('buyer@example.com')).shoppingCartItems).toBeUndefined()
    const events = (await s.get('/api/events/buyer@example.com')).body.events
    expect(events[0]).toMatchObject({
      id: 'order-1',
      eventType: 'purchase',
      total: 19,
      shoppingCartItems: [item],
    })
    // Same id again: upsert, not a second purchase.
    await s.post('/api/commerce/trackPurchase', {
      id: 'order-1',
      user: { email: 'buyer@example.com' },
      items: [item],
      total: 20,
    })
    const again = (await s.get('/api/events/buyer@example.com')).body.events
    expect(again).toHaveLength(1)
    expect(again[0].total).toBe(20)
  })

  test('commerce items are validated: a missing price is BadJsonBody', async () => {
    s = testSandbox()
    const r = await s.post('/api/commerce/updateCart', {
      user: { email: 'a@example.com' },
      items: [{ id: 'x', name: 'n', quantity: 1 }],
    })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('BadJsonBody')
    expect(r.body.params).toEqual({ 'obj.items[0].price': 'error.path.missing' })
  })
})

describe('field names that are also names of JavaScript object members', () => {
  // Iterable's API applies no rules to field names; `constructor` and `prototype` used to be
  // refused with BadJsonBody (Fastify's poisoning guard).
  test('constructor and prototype are ordinary field names, stored without touching Object.prototype', async () => {
    s = testSandbox({ projects: [{ type: 'email' }] })
    const r = await s.post(
      '/api/users/update',
      '{"email":"a@example.com","dataFields":{"constructor":{"prototype":{"polluted":true}},"prototype":1,"toString":"x"}}',
    )
    expect(r.status).toBe(200)
    expect(await profile()).toMatchObject({
      constructor: { prototype: { polluted: true } },
      prototype: 1,
      toString: 'x',
    })
    expect((await s.get('/api/users/getFields')).body.fields).toMatchObject({
      constructor: 'object',
      'constructor.prototype.polluted': 'boolean',
      prototype: 'long',
    })
    const event = await s.post(
      '/api/events/track',
      '{"email":"a@example.com","eventName":"constructor","dataFields":{"constructor":"c","prototype":"p"}}',
    )
    expect(event.status).toBe(200)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  })

  test('a type mismatch on a field named constructor is reported under its name', async () => {
    s = testSandbox({ projects: [{ type: 'email' }] })
    await s.post('/api/users/update', { email: 'a@example.com', dataFields: { constructor: 'text' } })
    const r = await s.post('/api/users/update', '{"email":"a@example.com","dataFields":{"constructor":5}}')
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('RequestFieldsTypesMismatched')
    expect(r.body.params.validationErrors.constructor).toMatchObject({
      expectedType: 'string',
      offendingValue: 5,
    })
  })

  test('__proto__ stays refused: an assignment would set a prototype', async () => {
    s = testSandbox({ projects: [{ type: 'email' }] })
    const r = await s.post(
      '/api/users/update',
      '{"email":"a@example.com","dataFields":{"__proto__":{"x":1}}}',
    )
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('BadJsonBody')
  })
})
