import { afterEach, describe, expect, it } from 'vitest'
import {
  bulkOutcomes,
  FieldTypeMemory,
  IterableClient,
  locateMismatchedItems,
  screenedMismatchOutcome,
} from '../../src/iterable/client/index.js'
import type { BulkItem, BulkKind } from '../../src/iterable/client/index.js'
import { startSandbox } from '../../src/sandbox/index.js'
import type { RunningSandbox } from '../../src/sandbox/index.js'

interface ErrorEntry {
  expectedType?: unknown
  incomingTypes?: unknown[]
  offendingValue?: unknown
  category?: string
}

function mismatch(validationErrors: Record<string, ErrorEntry>, code = 'RequestFieldsTypesMismatched') {
  return {
    status: 400,
    body: { msg: 'The request does not have the same data types', code, params: { validationErrors } },
  }
}

function userError(expectedType: string, incomingTypes?: string[], offendingValue?: unknown): ErrorEntry {
  return { expectedType, category: 'user', ...(incomingTypes ? { incomingTypes } : {}), offendingValue }
}

function eventError(expectedType: string, incomingTypes?: string[], offendingValue?: unknown): ErrorEntry {
  return { expectedType, category: 'event', ...(incomingTypes ? { incomingTypes } : {}), offendingValue }
}

const STRING_IN = ['string', 'keyword']

function users(...fields: Record<string, unknown>[]): BulkItem[] {
  return fields.map((dataFields, i) => ({ email: `u${i}@example.com`, dataFields }))
}

function events(...entries: [string, Record<string, unknown>][]): BulkItem[] {
  return entries.map(([eventName, dataFields], i) => ({ email: `u${i}@example.com`, eventName, dataFields }))
}

function indexes(memory: FieldTypeMemory, kind: BulkKind, items: readonly BulkItem[]): number[] {
  return memory.screen(kind, items).map((found) => found.index)
}

/** A memory that knows `field` (a user field) has `expectedType`. */
function knowing(field: string, entry: ErrorEntry, options = {}): FieldTypeMemory {
  const memory = new FieldTypeMemory(options)
  memory.learn('users', users({}), mismatch({ [field]: entry }))
  return memory
}

describe('FieldTypeMemory.learn', () => {
  it('knows nothing at first and ignores answers that are not a usable type mismatch', () => {
    const memory = new FieldTypeMemory()
    const batch = users({ age: 'x' }, { age: true })
    expect(memory.screen('users', batch)).toEqual([])
    memory.learn('users', batch, { status: 200, body: { successCount: 2 } })
    memory.learn('users', batch, { status: 400, body: { code: 'BadParams', params: null } })
    memory.learn('users', batch, { status: 409, body: mismatch({ age: userError('long') }).body })
    memory.learn('users', batch, mismatch({ age: { category: 'user', incomingTypes: STRING_IN } }))
    memory.learn('users', batch, mismatch({ age: userError('no_such_type') }))
    memory.learn('users', batch, mismatch({}))
    memory.learn('users', batch, { status: 400, body: 'RequestFieldsTypesMismatched' })
    expect(memory.size).toBe(0)
    expect(memory.screen('users', batch)).toEqual([])
  })

  it('user fields: every item carrying a value of the refused kind, with the learned error', () => {
    const memory = new FieldTypeMemory()
    memory.learn(
      'users',
      users({ age: 'x' }),
      mismatch({ 'Project A:::age': userError('long', STRING_IN, 'x') }),
    )
    const batch = users({ age: 41 }, { age: 'forty' }, { name: 'n' }, { age: null }, { age: 'x' })
    const found = memory.screen('users', batch)
    expect(found.map((f) => f.index)).toEqual([1, 4])
    expect(found[0].error).toMatchObject({ field: 'age', expectedType: 'long', category: 'user' })
    expect([...found[0].error.incomingTypes]).toEqual(['string'])
    expect(found[0].error.offendingValue).toBeUndefined()
    // A user field says nothing about event fields of the same name.
    expect(memory.screen('events', events(['Signed Up', { age: 'x' }]))).toEqual([])
  })

  it('ignores errors of the other category', () => {
    const memory = new FieldTypeMemory()
    memory.learn('users', users({ age: 'x' }), mismatch({ age: eventError('long', STRING_IN) }))
    memory.learn('events', events(['E', { age: 'x' }]), mismatch({ age: userError('long', STRING_IN) }))
    expect(memory.size).toBe(0)
  })

  it('event fields are per event name: an error goes to the event names of the items that caused it', () => {
    const memory = new FieldTypeMemory()
    const sent = events(['Viewed', { price: 'free' }], ['Bought', { price: 'n/a' }], ['Bought', { price: 3 }])
    memory.learn('events', sent, mismatch({ price: eventError('long', STRING_IN, 'n/a') }))
    const batch = events(
      ['Viewed', { price: 'gratis' }],
      ['Bought', { price: 'cheap' }],
      ['Bought', { price: 5 }],
    )
    expect(indexes(memory, 'events', batch)).toEqual([1])
    expect(memory.screen('events', batch)[0].error).toMatchObject({ field: 'price', category: 'event' })
    expect(memory.screen('users', users({ price: 'cheap' }))).toEqual([])
  })

  it('without a matching offending value, the offender rule picks the event names', () => {
    const memory = new FieldTypeMemory()
    const sent = events(['Viewed', { price: 1 }], ['Bought', { price: 'n/a' }])
    memory.learn('events', sent, mismatch({ price: eventError('long', STRING_IN) }))
    expect(indexes(memory, 'events', events(['Viewed', { price: 'x' }], ['Bought', { price: 'x' }]))).toEqual(
      [1],
    )
  })

  it('a request of one event name (e.g. a single /api/events/track) teaches that name', () => {
    const memory = new FieldTypeMemory()
    // The value Iterable reports need not be found in what was sent.
    memory.learn(
      'events',
      events(['Viewed', { when: 'soon' }]),
      mismatch({ when: { expectedType: 'date', offendingValue: 'x' } }),
    )
    expect(
      indexes(
        memory,
        'events',
        events(['Viewed', { when: 'later' }], ['Viewed', { when: '2024-01-02' }], ['Other', { when: 'x' }]),
      ),
    ).toEqual([0])
  })

  it('a newer answer with another stored type replaces the learned one', () => {
    const memory = knowing('score', userError('long', STRING_IN))
    expect(indexes(memory, 'users', users({ score: 'a' }, { score: 1.5 }))).toEqual([0])
    memory.learn('users', users({}), mismatch({ score: userError('double', ['boolean']) }))
    expect(memory.size).toBe(1)
    expect(indexes(memory, 'users', users({ score: 'a' }, { score: 1.5 }, { score: true }))).toEqual([2])
  })

  it('the same stored type again widens the refused incoming types', () => {
    const memory = knowing('age', userError('long', STRING_IN))
    const batch = users({ age: 'x' }, { age: true }, { age: 1.5 })
    expect(indexes(memory, 'users', batch)).toEqual([0])
    memory.learn('users', users({}), mismatch({ age: userError('long', ['Boolean']) }))
    expect(indexes(memory, 'users', batch)).toEqual([0, 1])
    // An answer without incoming types: any value that cannot be a long.
    memory.learn('users', users({}), mismatch({ age: userError('long') }))
    expect(indexes(memory, 'users', batch)).toEqual([0, 1, 2])
  })
})

describe('FieldTypeMemory.screen uses the offender rule of mismatch.ts', () => {
  it('finds exactly the items locateMismatchedItems blames in the answer it learned from', () => {
    const batch = users({ a: 'x', b: 1 }, { a: 2, b: 'y' }, { a: 3 }, { b: 4 }, { a: [1, 'z'] })
    const answer = mismatch({ a: userError('long', STRING_IN, 'x'), b: userError('long', STRING_IN, 'y') })
    const memory = new FieldTypeMemory()
    memory.learn('users', batch, answer)
    expect(indexes(memory, 'users', batch)).toEqual(
      locateMismatchedItems('users', batch, answer)!.map((f) => f.index),
    )
    expect(indexes(memory, 'users', batch)).toEqual([0, 1, 4])
  })

  it('dotted paths: the literal key first, else nested objects, fanning out over arrays', () => {
    const memory = knowing('address.zip', userError('long'))
    const batch = users(
      { address: { zip: 12345 } },
      { address: { zip: 'AB1' } },
      { 'address.zip': 'AB2' },
      { address: [{ zip: 1 }, { zip: 'AB3' }] },
      { address: { city: 'Paris' } },
      { address: 'no object' },
    )
    expect(indexes(memory, 'users', batch)).toEqual([1, 2, 3])
  })

  it('arrays are typed by their elements; null deletes and never offends', () => {
    const memory = knowing('scores', userError('long'))
    const batch = users(
      { scores: [1, 2] },
      { scores: [1, 'two'] },
      { scores: [] },
      { scores: [[3], [4.5]] },
      { scores: null },
    )
    expect(indexes(memory, 'users', batch)).toEqual([1, 3])
  })

  it('numeric strings are strings: they do not fit a long or double field, numbers do', () => {
    const long = knowing('employees', userError('long', STRING_IN))
    expect(
      indexes(long, 'users', users({ employees: '250' }, { employees: 250 }, { employees: '-1' })),
    ).toEqual([0, 2])
    const double = knowing('ltv', userError('double'))
    expect(
      indexes(double, 'users', users({ ltv: '99.5' }, { ltv: 99 }, { ltv: 99.5 }, { ltv: false })),
    ).toEqual([0, 3])
    // Into a string field a number offends only once Iterable refused a number there.
    const text = knowing('postalCode', userError('string', ['long']))
    expect(
      indexes(text, 'users', users({ postalCode: '02139' }, { postalCode: 2139 }, { postalCode: 2.5 })),
    ).toEqual([1])
  })

  it('dates: Iterable date formats fit a date field and a string field; other strings only a string field', () => {
    const date = knowing('signupDate', userError('date', STRING_IN))
    const batch = users(
      { signupDate: '2024-11-25' },
      { signupDate: '2024-11-25 13:37:19 +00:00' },
      { signupDate: '2024-11-25T13:37:19Z' },
      { signupDate: '2020-04-13 13:37:19.039' },
    )
    expect(indexes(date, 'users', batch)).toEqual([2, 3])
    expect(indexes(knowing('signupDate', userError('keyword')), 'users', batch)).toEqual([])
  })

  it('items without dataFields or an event name are never screened', () => {
    const memory = new FieldTypeMemory()
    memory.learn('events', events(['E', { n: 'x' }]), mismatch({ n: eventError('long', STRING_IN) }))
    const batch: BulkItem[] = [
      { email: 'a@x.io', eventName: 'E' },
      { email: 'b@x.io', dataFields: { n: 'y' } },
      { eventName: 'E', dataFields: 'text' },
    ]
    expect(memory.screen('events', batch)).toEqual([])
  })
})

describe('FieldTypeMemory expiry and bound', () => {
  it('learned types expire after ttlMs; learning again refreshes them', () => {
    let now = 1_000_000
    const memory = knowing('age', userError('long', STRING_IN), { ttlMs: 60_000, now: () => now })
    const batch = users({ age: 'x' })
    now += 59_999
    expect(indexes(memory, 'users', batch)).toEqual([0])
    memory.learn('users', users({}), mismatch({ age: userError('long', STRING_IN) }))
    now += 59_999
    expect(indexes(memory, 'users', batch)).toEqual([0])
    now += 1
    expect(indexes(memory, 'users', batch)).toEqual([])
    expect(memory.size).toBe(0)
  })

  it('defaults to a 10 minute ttl', () => {
    let now = 0
    const memory = knowing('age', userError('long'), { now: () => now })
    now = 10 * 60 * 1000 - 1
    expect(indexes(memory, 'users', users({ age: 'x' }))).toEqual([0])
    now += 1
    expect(indexes(memory, 'users', users({ age: 'x' }))).toEqual([])
  })

  it('keeps at most maxFields learned fields, dropping the oldest learned first', () => {
    const memory = new FieldTypeMemory({ maxFields: 3 })
    memory.learn('users', users({}), mismatch({ a: userError('long'), b: userError('long') }))
    memory.learn('events', events(['E', { c: 'x' }]), mismatch({ c: eventError('long') }))
    memory.learn('users', users({}), mismatch({ a: userError('long') })) // a is now the newest
    memory.learn('events', events(['F', { d: 'x' }]), mismatch({ d: eventError('long') }))
    expect(memory.size).toBe(3)
    expect(indexes(memory, 'users', users({ a: 'x' }, { b: 'x' }))).toEqual([0])
    expect(indexes(memory, 'events', events(['E', { c: 'x' }], ['F', { d: 'x' }]))).toEqual([0, 1])
    memory.learn('users', users({}), mismatch({ e: userError('long') }))
    expect(indexes(memory, 'events', events(['E', { c: 'x' }], ['F', { d: 'x' }]))).toEqual([1])
    expect(memory.size).toBe(3)
  })

  it('clear forgets everything', () => {
    const memory = knowing('age', userError('long'))
    memory.clear()
    expect(memory.size).toBe(0)
    expect(memory.screen('users', users({ age: 'x' }))).toEqual([])
  })
})

describe('screenedMismatchOutcome', () => {
  it('is the offender outcome of a real 400, with status 0 and saying nothing was sent', () => {
    const batch = users({ age: 'x' }, { age: 1 })
    const answer = mismatch({ age: userError('long', STRING_IN, 'x') })
    const real = bulkOutcomes('users', batch, answer)[0]
    const memory = new FieldTypeMemory()
    memory.learn('users', batch, answer)
    const [found] = memory.screen('users', batch)
    expect(found.learnedAt).toBeGreaterThan(Date.now() - 60_000)
    const screened = screenedMismatchOutcome(found.error, Date.UTC(2026, 11, 7, 12, 3, 5))
    expect(screened).toEqual({
      kind: 'permanent',
      policy: 'drop',
      code: 'RequestFieldsTypesMismatched',
      errorCode: 'BAD_REQUEST',
      status: 0,
      reason: 'RequestFieldsTypesMismatched',
      field: 'age',
      message:
        "Not sent: Iterable refused this field type at 2026-12-07T12:03:05Z. Field 'age' has a value whose type does not match the field in Iterable (stored type: long)",
    })
    expect(real).toMatchObject({
      kind: screened.kind,
      policy: screened.policy,
      code: screened.code,
      field: 'age',
      status: 400,
    })
    expect(real.message).toBe(
      "Field 'age' has a value whose type does not match the field in Iterable (stored type: long)",
    )
  })
})

describe('FieldTypeMemory against the sandbox', () => {
  let running: RunningSandbox | undefined
  let client: IterableClient | undefined
  afterEach(async () => {
    await client?.close()
    await running?.close()
    client = undefined
    running = undefined
  })

  it('learns from the real 400; screening then leaves a batch the sandbox accepts', async () => {
    running = await startSandbox({ port: 0, rateLimits: false })
    client = new IterableClient({ apiKey: running.apiKey, baseUrl: running.url })
    const bulk = (items: BulkItem[]) =>
      client!.send({ method: 'POST', path: '/api/users/bulkUpdate', body: { users: items } })

    const first = await bulk([{ email: 'a@example.com', dataFields: { visits: 3, plan: 'pro' } }])
    expect(first.outcome.kind).toBe('success')

    const memory = new FieldTypeMemory()
    const refused = [
      { email: 'b@example.com', dataFields: { visits: 4 } },
      { email: 'c@example.com', dataFields: { visits: 'many' } },
    ]
    const answer = await bulk(refused)
    expect(answer.status).toBe(400)
    memory.learn('users', refused, answer)
    expect(memory.size).toBe(1)

    const next: BulkItem[] = [
      { email: 'd@example.com', dataFields: { visits: 'lots', plan: 'free' } },
      { email: 'e@example.com', dataFields: { visits: 7 } },
      { email: 'f@example.com', dataFields: { plan: 'team' } },
      { email: 'g@example.com', dataFields: { visits: '12' } },
      { email: 'h@example.com', dataFields: { visits: null } },
    ]
    const screened = memory.screen('users', next)
    expect(screened.map((found) => found.index)).toEqual([0, 3])
    expect(screenedMismatchOutcome(screened[0].error, screened[0].learnedAt).message).toContain(
      'stored type: long',
    )

    // The screened items are exactly what the sandbox refuses: alone each is refused, the rest passes.
    for (const { index } of screened) {
      const alone = await bulk([next[index]])
      expect(alone.status).toBe(400)
      expect(alone.body).toMatchObject({ code: 'RequestFieldsTypesMismatched' })
    }
    const rest = next.filter((_, index) => !screened.some((found) => found.index === index))
    const accepted = await bulk(rest)
    expect(accepted.status).toBe(200)
    expect(bulkOutcomes('users', rest, accepted).every((outcome) => outcome.kind === 'success')).toBe(true)
    expect(accepted.body).toMatchObject({ successCount: 3, failCount: 0 })
  })

  it('event fields: learns per event name from the real 400 of a trackBulk', async () => {
    running = await startSandbox({ port: 0, rateLimits: false })
    client = new IterableClient({ apiKey: running.apiKey, baseUrl: running.url })
    const trackBulk = (items: BulkItem[]) =>
      client!.send({ method: 'POST', path: '/api/events/trackBulk', body: { events: items } })
    const seed = await trackBulk([
      { email: 'a@example.com', eventName: 'Viewed', dataFields: { price: 10 } },
      { email: 'a@example.com', eventName: 'Quoted', dataFields: { price: 'on request' } },
    ])
    expect(seed.outcome.kind).toBe('success')

    const memory = new FieldTypeMemory()
    const refused: BulkItem[] = [
      { email: 'a@example.com', eventName: 'Quoted', dataFields: { price: 'ask' } },
      { email: 'a@example.com', eventName: 'Viewed', dataFields: { price: 'free' } },
    ]
    const answer = await trackBulk(refused)
    expect(answer.status).toBe(400)
    memory.learn('events', refused, answer)

    const next: BulkItem[] = [
      { email: 'b@example.com', eventName: 'Quoted', dataFields: { price: 'call us' } },
      { email: 'b@example.com', eventName: 'Viewed', dataFields: { price: 'gratis' } },
      { email: 'b@example.com', eventName: 'Viewed', dataFields: { price: 12 } },
    ]
    expect(indexes(memory, 'events', next)).toEqual([1])
    expect((await trackBulk([next[1]])).status).toBe(400)
    const accepted = await trackBulk([next[0], next[2]])
    expect(accepted.status).toBe(200)
    expect(accepted.body).toMatchObject({ successCount: 2, failCount: 0 })
  })
})
