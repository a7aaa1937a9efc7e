import { describe, expect, it } from 'vitest'
import {
  bulkOutcomes,
  classifyResponse,
  findMismatchedItems,
  isFieldTypeMismatch,
  locateMismatchedItems,
  possibleFieldTypes,
  readValidationErrors,
} from '../../src/iterable/client/index.js'
import type { BulkItem } from '../../src/iterable/client/index.js'

function mismatch(validationErrors: unknown, code = 'RequestFieldsTypesMismatched', status = 400) {
  const body = {
    msg: "Project 123: The request does not have the same data types as the data previously submitted. Field 'signupDate' already exists for type 'user' and has a data type of 'date' but possible types 'string, keyword' in the request.",
    code,
    params: { validationErrors },
  }
  return { status, body, outcome: classifyResponse(status, body, {}, Date.now()) }
}

const SIGNUP_ERROR = {
  signupDate: {
    incomingTypes: ['string', 'keyword'],
    expectedType: 'date',
    _type: 'UnexpectedType',
    offendingValue: '2020-04-13 13:37:19.039',
    category: 'user',
  },
}

describe('possibleFieldTypes (iterable-api §7.1–7.2)', () => {
  it.each([
    ['2024-11-25', ['date', 'string']],
    ['2024-11-25 13:37:19', ['date', 'string']],
    ['2024-11-25 13:37:19 +00:00', ['date', 'string']],
    ['2024-11-25T13:37:19.123+02:00', ['date', 'string']],
    ['2024-11-25T13:37:19.123Z', ['date', 'string']],
    ['2024-11-25T13:37:19Z', ['string']],
    ['2024-11-25T13:37:19.123', ['string']],
    ['2020-04-13 13:37:19.039', ['string']],
    ['2024/11/25', ['string']],
    ['True', ['string']],
    [42, ['long']],
    [4.2, ['double']],
    [true, ['boolean']],
    [{ a: 1 }, ['object']],
    [{ lat: 1.5, lon: 2.5 }, ['geo_location', 'object']],
    [null, []],
  ])('%j → %j', (value, types) => {
    expect([...possibleFieldTypes(value)].sort()).toEqual([...types].sort())
  })
})

describe('readValidationErrors', () => {
  it('strips the <projectName>::: prefix and normalises type names', () => {
    const errors = readValidationErrors(
      mismatch({
        'My Project:::plan.tier': { incomingTypes: ['long'], expectedType: 'keyword', category: 'user' },
        flag: { incomingTypes: ['string', 'keyword'], expectedType: 'Boolean' },
      }).body,
    )
    expect(errors).toEqual([
      { field: 'plan.tier', expectedType: 'string', incomingTypes: new Set(['long']), category: 'user' },
      { field: 'flag', expectedType: 'boolean', incomingTypes: new Set(['string']) },
    ])
  })

  it('returns [] for shapes without validationErrors', () => {
    expect(readValidationErrors({ code: 'RequestFieldsTypesMismatched', params: null })).toEqual([])
    expect(readValidationErrors('text')).toEqual([])
    expect(readValidationErrors({ params: { validationErrors: [1, 2] } })).toEqual([])
  })
})

describe('findMismatchedItems', () => {
  const users: BulkItem[] = [
    { email: 'a@x.io', dataFields: { signupDate: '2020-04-13' } },
    { email: 'b@x.io', dataFields: { signupDate: '2020-04-13 13:37:19.039' } },
    { email: 'c@x.io', dataFields: { name: 'no date here' } },
    { email: 'd@x.io', dataFields: { signupDate: 'next tuesday' } },
    { email: 'e@x.io', dataFields: { signupDate: null } },
    { email: 'f@x.io' },
  ]

  it('finds the items whose value has a wrong type or is the offending value', () => {
    expect(findMismatchedItems('users', users, mismatch(SIGNUP_ERROR))).toEqual([1, 3])
  })

  it('accepts the <projectName>:::<field> key form', () => {
    expect(
      findMismatchedItems(
        'users',
        users,
        mismatch({ 'Project 10216:::signupDate': SIGNUP_ERROR.signupDate }),
      ),
    ).toEqual([1, 3])
  })

  it('follows dotted paths into nested objects and arrays, and literal dotted keys first', () => {
    const items: BulkItem[] = [
      { userId: '1', dataFields: { address: { zip: 12345 } } },
      { userId: '2', dataFields: { address: { zip: '12345' } } },
      { userId: '3', dataFields: { orders: [{ total: 5.5 }, { total: 'free' }] } },
      { userId: '4', dataFields: { orders: [{ total: 7.25 }] } },
      { userId: '5', dataFields: { 'address.zip': 'literal' } },
    ]
    const response = mismatch({
      'address.zip': { incomingTypes: ['string', 'keyword'], expectedType: 'long', category: 'user' },
      'orders.total': { incomingTypes: ['string'], expectedType: 'double', category: 'user' },
    })
    expect(findMismatchedItems('users', items, response)).toEqual([1, 2, 4])
  })

  it('types arrays by their elements', () => {
    const items: BulkItem[] = [
      { email: 'a@x.io', dataFields: { scores: [1, 2, 3] } },
      { email: 'b@x.io', dataFields: { scores: [1, 'two'] } },
    ]
    const response = mismatch({ scores: { incomingTypes: ['string'], expectedType: 'long' } })
    expect(findMismatchedItems('users', items, response)).toEqual([1])
  })

  it('uses incomingTypes to avoid blaming values of another type', () => {
    const items: BulkItem[] = [
      { email: 'a@x.io', dataFields: { age: 'thirty' } },
      { email: 'b@x.io', dataFields: { age: 30.5 } },
      { email: 'c@x.io', dataFields: { age: 30 } },
    ]
    expect(
      findMismatchedItems(
        'users',
        items,
        mismatch({ age: { incomingTypes: ['keyword'], expectedType: 'long' } }),
      ),
    ).toEqual([0])
    // Without incomingTypes every wrong type counts.
    expect(findMismatchedItems('users', items, mismatch({ age: { expectedType: 'long' } }))).toEqual([0, 1])
  })

  it('does not blame a whole number in a double field unless Iterable says so', () => {
    const items: BulkItem[] = [
      { email: 'a@x.io', dataFields: { price: 5 } },
      { email: 'b@x.io', dataFields: { price: 'cheap' } },
    ]
    expect(findMismatchedItems('events', items, mismatch({ price: { expectedType: 'double' } }))).toEqual([1])
    expect(
      findMismatchedItems(
        'events',
        items,
        mismatch({ price: { expectedType: 'double', incomingTypes: ['long'] } }),
      ),
    ).toEqual([0])
  })

  it('keeps user errors to bulkUpdate and event errors to trackBulk', () => {
    const items: BulkItem[] = [{ email: 'a@x.io', eventName: 'E', dataFields: { signupDate: 'bad' } }]
    expect(findMismatchedItems('events', items, mismatch(SIGNUP_ERROR))).toBeNull()
    const eventError = { signupDate: { ...SIGNUP_ERROR.signupDate, category: 'event' } }
    expect(findMismatchedItems('events', items, mismatch(eventError))).toEqual([0])
    expect(findMismatchedItems('users', items, mismatch(eventError))).toBeNull()
  })

  it('returns null when the errors identify no item', () => {
    expect(findMismatchedItems('users', users, mismatch({}))).toBeNull()
    expect(
      findMismatchedItems('users', users, mismatch({ unknownField: SIGNUP_ERROR.signupDate })),
    ).toBeNull()
    expect(findMismatchedItems('users', users, mismatch({ signupDate: { category: 'user' } }))).toBeNull()
    expect(findMismatchedItems('users', users, mismatch(null))).toBeNull()
  })

  it('returns null for other answers', () => {
    expect(findMismatchedItems('users', users, mismatch(SIGNUP_ERROR, 'BadParams'))).toBeNull()
    expect(
      findMismatchedItems('users', users, mismatch(SIGNUP_ERROR, 'RequestFieldsTypesMismatched', 200)),
    ).toBeNull()
    expect(isFieldTypeMismatch(mismatch(SIGNUP_ERROR))).toBe(true)
  })

  it('reports which error each item matched', () => {
    const located = locateMismatchedItems('users', users, mismatch(SIGNUP_ERROR))
    expect(located?.map((m) => [m.index, m.error.field, m.error.expectedType])).toEqual([
      [1, 'signupDate', 'date'],
      [3, 'signupDate', 'date'],
    ])
  })
})

describe('bulkOutcomes on a 400 RequestFieldsTypesMismatched', () => {
  it('fails the offenders alone and asks to re-send the others together', () => {
    const outcomes = bulkOutcomes('users', users(), mismatch(SIGNUP_ERROR))
    expect(outcomes.map((o) => `${o.code}/${o.policy}/${o.resend ?? '-'}`)).toEqual([
      'RESEND/retry/batch',
      'RequestFieldsTypesMismatched/drop/-',
      'RESEND/retry/batch',
    ])
    expect(outcomes[1]).toMatchObject({ kind: 'permanent', status: 400, errorCode: 'BAD_REQUEST' })
    expect(outcomes[1].message).toContain('signupDate')
    expect(outcomes[0]).toMatchObject({ kind: 'retryable', retryAfterMs: 0 })
  })

  it('asks to split when the offenders cannot be identified', () => {
    const outcomes = bulkOutcomes('users', users(), mismatch({ other: SIGNUP_ERROR.signupDate }))
    expect(outcomes.map((o) => `${o.code}/${o.policy}/${o.resend ?? '-'}`)).toEqual([
      'RESEND/retry/split',
      'RESEND/retry/split',
      'RESEND/retry/split',
    ])
  })

  it('a single unidentified item is the offender', () => {
    const outcomes = bulkOutcomes('users', [users()[0]], mismatch({}))
    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]).toMatchObject({
      kind: 'permanent',
      policy: 'drop',
      code: 'RequestFieldsTypesMismatched',
    })
  })

  function users(): BulkItem[] {
    return [
      { email: 'a@x.io', dataFields: { signupDate: '2020-04-13 13:37:19 +00:00' } },
      { email: 'b@x.io', dataFields: { signupDate: '2020-04-13 13:37:19.039' } },
      { email: 'c@x.io', dataFields: {} },
    ]
  }
})
