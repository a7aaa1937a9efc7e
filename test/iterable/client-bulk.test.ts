import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { bulkOutcomes, classifyResponse, IterableClient } from '../../src/iterable/client/index.js'
import type { BulkItem, BulkItemOutcome, BulkKind } from '../../src/iterable/client/index.js'

const NOW = Date.now()

function ok(body: unknown) {
  return { status: 200, body, outcome: classifyResponse(200, body, {}, NOW) }
}

function codes(outcomes: BulkItemOutcome[]): string[] {
  return outcomes.map((o) => (o.kind === 'success' ? 'ok' : `${o.code}/${o.policy}`))
}

const EMPTY_FAILED = {
  invalidEmails: [],
  invalidUserIds: [],
  notFoundEmails: [],
  notFoundUserIds: [],
  forgottenEmails: [],
  forgottenUserIds: [],
  conflictEmails: [],
  conflictUserIds: [],
  invalidDataEmails: [],
  invalidDataUserIds: [],
}

describe('bulkOutcomes on a 2xx answer', () => {
  it('all items succeed when nothing is listed', () => {
    const response = ok({ successCount: 2, failCount: 0, failedUpdates: EMPTY_FAILED, invalidEmails: [] })
    const outcomes = bulkOutcomes('users', [{ email: 'a@x.io' }, { userId: 'u1' }], response)
    expect(codes(outcomes)).toEqual(['ok', 'ok'])
    expect(outcomes[0]).toBe(response.outcome)
  })

  it.each([
    ['invalidEmails', 'email', 'drop', 'permanent'],
    ['invalidUserIds', 'userId', 'drop', 'permanent'],
    ['notFoundEmails', 'email', 'retry', 'retryable'],
    ['notFoundUserIds', 'userId', 'retry', 'retryable'],
    ['forgottenEmails', 'email', 'drop', 'permanent'],
    ['forgottenUserIds', 'userId', 'drop', 'permanent'],
    ['conflictEmails', 'email', 'drop', 'permanent'],
    ['conflictUserIds', 'userId', 'drop', 'permanent'],
    ['invalidDataEmails', 'email', 'drop', 'permanent'],
    ['invalidDataUserIds', 'userId', 'drop', 'permanent'],
  ] as const)('failedUpdates.%s fails only the listed %s (%s)', (list, identifier, policy, kind) => {
    const items: BulkItem[] =
      identifier === 'email'
        ? [{ email: 'good@x.io' }, { email: 'bad@x.io' }, { email: 'other@x.io' }]
        : [{ userId: 'good' }, { userId: 'bad' }, { userId: 'other' }]
    const failedValue = identifier === 'email' ? 'bad@x.io' : 'bad'
    for (const kindOfBulk of ['users', 'events'] as BulkKind[]) {
      const response = ok({
        successCount: 2,
        failCount: 1,
        failedUpdates: { ...EMPTY_FAILED, [list]: [failedValue] },
      })
      const outcomes = bulkOutcomes(kindOfBulk, items, response)
      expect(codes(outcomes)).toEqual(['ok', `${list}/${policy}`, 'ok'])
      expect(outcomes[1]).toMatchObject({ kind, reason: list, status: 200 })
      expect(outcomes[1].message).toContain(list)
    }
  })

  it('reads the deprecated top-level invalidEmails / invalidUserIds', () => {
    const response = ok({
      successCount: 1,
      failCount: 2,
      invalidEmails: ['bad@x.io'],
      invalidUserIds: ['bad-id'],
    })
    const outcomes = bulkOutcomes(
      'users',
      [{ email: 'bad@x.io' }, { userId: 'bad-id' }, { userId: 'fine' }],
      response,
    )
    expect(codes(outcomes)).toEqual(['invalidEmails/drop', 'invalidUserIds/drop', 'ok'])
  })

  it('tolerates a missing failedUpdates (older shape) and unexpected entries', () => {
    expect(
      codes(bulkOutcomes('users', [{ email: 'a@x.io' }], ok({ successCount: 1, failCount: 0 }))),
    ).toEqual(['ok'])
    expect(codes(bulkOutcomes('users', [{ email: 'a@x.io' }], ok('plain text')))).toEqual(['ok'])
    const odd = ok({
      failedUpdates: { invalidEmails: [null, 7, { email: 'a@x.io' }], notFoundEmails: 'a@x.io' },
    })
    expect(codes(bulkOutcomes('users', [{ email: 'a@x.io' }], odd))).toEqual(['ok'])
  })

  it('disallowedEventNames fails every event of that name (events only)', () => {
    const items = [
      { email: 'a@x.io', eventName: 'Blocked' },
      { email: 'b@x.io', eventName: 'Allowed' },
      { userId: 'u', eventName: 'Blocked' },
      { email: 'c@x.io', eventName: 'blocked' },
    ]
    const response = ok({
      successCount: 2,
      failCount: 2,
      disallowedEventNames: ['Blocked'],
      failedUpdates: EMPTY_FAILED,
    })
    const outcomes = bulkOutcomes('events', items, response)
    expect(codes(outcomes)).toEqual(['disallowedEventNames/drop', 'ok', 'disallowedEventNames/drop', 'ok'])
    expect(outcomes[0]).toMatchObject({ kind: 'permanent', errorCode: 'FORBIDDEN' })
    // bulkUpdate has no event names
    expect(codes(bulkOutcomes('users', items, response))).toEqual(['ok', 'ok', 'ok', 'ok'])
  })

  it('matches emails case-insensitively (Iterable reports them lower-cased)', () => {
    const response = ok({
      failedUpdates: { notFoundEmails: ['mixed@example.com'], invalidEmails: ['UPPER@X.IO'] },
    })
    const outcomes = bulkOutcomes(
      'events',
      [{ email: 'Mixed@Example.COM' }, { email: 'upper@x.io' }, { email: 'mixed@example.org' }],
      response,
    )
    expect(codes(outcomes)).toEqual(['notFoundEmails/retry', 'invalidEmails/drop', 'ok'])
  })

  it('userIds and event names match exactly', () => {
    const response = ok({ failedUpdates: { invalidUserIds: ['Abc'] } })
    expect(codes(bulkOutcomes('users', [{ userId: 'abc' }, { userId: 'Abc' }], response))).toEqual([
      'ok',
      'invalidUserIds/drop',
    ])
  })

  it('a failure listed for an identifier applies to every item of that identifier', () => {
    const items = [
      { email: 'dup@x.io', eventName: 'A' },
      { email: 'solo@x.io', eventName: 'A' },
      { email: 'DUP@x.io', eventName: 'B' },
      { userId: 'u1', eventName: 'A' },
      { userId: 'u1', eventName: 'C' },
    ]
    const response = ok({ failedUpdates: { forgottenEmails: ['dup@x.io'], notFoundUserIds: ['u1'] } })
    expect(codes(bulkOutcomes('events', items, response))).toEqual([
      'forgottenEmails/drop',
      'ok',
      'forgottenEmails/drop',
      'notFoundUserIds/retry',
      'notFoundUserIds/retry',
    ])
  })

  it('items with both identifiers: keyed on the email for notFound/invalidData, on either for identifier faults', () => {
    const items = [
      { email: 'both@x.io', userId: 'shared' }, // keyed on email
      { userId: 'shared' }, // keyed on userId
      { email: 'other@x.io', userId: 'bad id ' },
      { email: 'c@x.io', userId: 'conflicting' },
    ]
    const response = ok({
      failedUpdates: {
        notFoundUserIds: ['shared'],
        invalidDataUserIds: ['shared'],
        invalidUserIds: ['bad id '],
        conflictUserIds: ['conflicting'],
      },
    })
    expect(codes(bulkOutcomes('users', items, response))).toEqual([
      'ok',
      'invalidDataUserIds/drop',
      'invalidUserIds/drop',
      'conflictUserIds/drop',
    ])
    const byEmail = ok({ failedUpdates: { notFoundEmails: ['both@x.io'] } })
    expect(codes(bulkOutcomes('users', items, byEmail))).toEqual(['notFoundEmails/retry', 'ok', 'ok', 'ok'])
  })

  it('a permanent reason wins over notFound when an item is listed twice', () => {
    const items = [{ email: 'a@x.io', userId: 'u', eventName: 'E' }]
    const response = ok({ failedUpdates: { notFoundEmails: ['a@x.io'], forgottenUserIds: ['u'] } })
    expect(codes(bulkOutcomes('events', items, response))).toEqual(['forgottenUserIds/drop'])
    const disallowed = ok({ failedUpdates: { notFoundEmails: ['a@x.io'] }, disallowedEventNames: ['E'] })
    expect(codes(bulkOutcomes('events', items, disallowed))).toEqual(['disallowedEventNames/drop'])
  })

  it('an empty email does not identify an item', () => {
    const response = ok({ failedUpdates: { notFoundEmails: [''], invalidUserIds: ['u'] } })
    expect(codes(bulkOutcomes('users', [{ email: '', userId: 'u' }, { email: '' }], response))).toEqual([
      'invalidUserIds/drop',
      'ok',
    ])
  })
})

describe('bulkOutcomes on a non-2xx answer', () => {
  it.each([
    [401, 'auth', 'pause'],
    [429, 'retryable', 'retry'],
    [500, 'retryable', 'retry'],
    [400, 'permanent', 'drop'],
    [413, 'permanent', 'drop'],
  ] as const)('%i → the same outcome for every item', (status, kind, policy) => {
    const outcomes = bulkOutcomes('users', [{ email: 'a@x.io' }, { email: 'b@x.io' }], {
      status,
      body: { code: 'X', msg: 'm', failedUpdates: { invalidEmails: ['a@x.io'] } },
    })
    expect(outcomes).toHaveLength(2)
    for (const outcome of outcomes) expect(outcome).toMatchObject({ kind, policy, status })
  })

  it('a transport failure applies to every item', () => {
    const outcome = {
      kind: 'retryable',
      policy: 'retry',
      code: 'TIMEOUT',
      errorCode: 'ETIMEDOUT',
      status: 0,
      message: 't',
    } as const
    const outcomes = bulkOutcomes('events', [{ email: 'a@x.io' }, { userId: 'u' }], {
      status: 0,
      body: undefined,
      outcome,
    })
    expect(outcomes).toEqual([outcome, outcome])
  })
})

describe('bulkOutcomes with a real bulk answer from an HTTP server', () => {
  it('maps a partial failure sent over the wire to each event', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          successCount: 2,
          failCount: 2,
          createdFields: [],
          filteredOutFields: [],
          disallowedEventNames: ['Spam'],
          invalidEmails: [],
          invalidUserIds: [],
          failedUpdates: { ...EMPTY_FAILED, notFoundEmails: ['new@x.io'] },
        }),
      )
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const client = new IterableClient({
      apiKey: 'k',
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    })
    try {
      const events = [
        { email: 'New@x.io', eventName: 'Signup', dataFields: {} },
        { email: 'old@x.io', eventName: 'Signup', dataFields: {} },
        { email: 'old@x.io', eventName: 'Spam', dataFields: {} },
        { userId: 'u', eventName: 'Viewed', dataFields: {} },
      ]
      const response = await client.send({ method: 'POST', path: '/api/events/trackBulk', body: { events } })
      expect(codes(bulkOutcomes('events', events, response))).toEqual([
        'notFoundEmails/retry',
        'ok',
        'disallowedEventNames/drop',
        'ok',
      ])
    } finally {
      await client.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
