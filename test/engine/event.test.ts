// Event model: validateEvent (valid/invalid table with messages) and normalizeEvent (design contract:
// messageId fill, receivedAt, timestamp kept / skew-corrected / receivedAt; never mutates).
import { describe, expect, expectTypeOf, it } from 'vitest'
import { normalizeEvent, parseIsoDate, validateEvent } from '../../src/engine/event/index.js'
import type { SegmentEvent, TrackEvent } from '../../src/engine/event/index.js'
import { generateCorpusLines, readSharedNdjson } from '../helpers/shared.js'

const base = { userId: 'u1', messageId: 'm1', timestamp: '2025-01-15T08:00:02.972Z' }

describe('validateEvent: valid events', () => {
  it.each<[string, Record<string, unknown>]>([
    ['track', { ...base, type: 'track', event: 'Signed Up', properties: { plan: 'pro' } }],
    [
      'track with anonymousId only and userId null',
      { type: 'track', event: 'E', anonymousId: 'a1', userId: null },
    ],
    ['track with numeric userId', { type: 'track', event: 'E', userId: 12345 }],
    ['track with numeric anonymousId', { type: 'track', event: 'E', anonymousId: 0 }],
    ['identify', { ...base, type: 'identify', traits: { email: 'a@b.co' } }],
    ['page without name', { ...base, type: 'page', properties: { path: '/' } }],
    ['page with null name and category', { ...base, type: 'page', name: null, category: null }],
    ['screen', { ...base, type: 'screen', name: 'Home' }],
    ['group with string groupId', { ...base, type: 'group', groupId: 'g1', traits: {} }],
    ['group with numeric groupId', { ...base, type: 'group', groupId: 42 }],
    ['alias', { type: 'alias', userId: 'new', previousId: 'old' }],
    [
      'every Segment field, unknown keys',
      {
        ...base,
        type: 'track',
        event: 'E',
        anonymousId: 'a',
        sentAt: '2025-01-15T08:00:02.980Z',
        receivedAt: '2025-01-15T08:00:03.237Z',
        originalTimestamp: '2025-01-15T08:00:02.946+01:00',
        context: { ip: '1.2.3.4' },
        integrations: { All: true },
        _metadata: { bundled: [] },
        version: 2,
        channel: 'server',
        writeKey: 'wk',
        somethingElse: [1, 2],
      },
    ],
    ['date-only timestamp', { ...base, type: 'track', event: 'E', timestamp: '2025-01-15' }],
    [
      'timestamp with offset without colon',
      { ...base, type: 'track', event: 'E', timestamp: '2025-01-15T08:00:02+0530' },
    ],
    [
      'timestamp with space and no zone',
      { ...base, type: 'track', event: 'E', timestamp: '2025-01-15 08:00:02' },
    ],
  ])('%s', (_name, event) => {
    const result = validateEvent(event)
    expect(result).toEqual({ ok: true, event })
    if (result.ok) expect(result.event).toBe(event)
  })

  it('accepts every event of the reference sample and of the generated corpus', () => {
    const events = [
      ...readSharedNdjson<{ event: unknown }>('conformance/reference-sample.ndjson').map(
        (line) => line.event,
      ),
      ...generateCorpusLines(10_000, 20251115).map((line) => JSON.parse(line) as unknown),
    ]
    expect(events.length).toBeGreaterThan(20)
    const failures = events.map(validateEvent).filter((result) => !result.ok)
    expect(failures).toEqual([])
  })
})

describe('validateEvent: invalid events name the problem', () => {
  it.each<[string, unknown, Array<{ path: string; message: string }>]>([
    ['not an object', [1], [{ path: '', message: 'event must be a JSON object, got array' }]],
    ['null', null, [{ path: '', message: 'event must be a JSON object, got null' }]],
    [
      'no type',
      { userId: 'u' },
      [
        {
          path: '/type',
          message: 'event needs a "type" (one of "track", "identify", "page", "screen", "group", "alias")',
        },
      ],
    ],
    [
      'unknown type',
      { type: 'Track', userId: 'u' },
      [
        {
          path: '/type',
          message:
            '"type" must be one of "track", "identify", "page", "screen", "group", "alias", got "Track"',
        },
      ],
    ],
    [
      'track without event',
      { type: 'track', userId: 'u' },
      [{ path: '/event', message: 'track event needs a non-empty "event" string' }],
    ],
    [
      'track with empty event',
      { type: 'track', userId: 'u', event: '' },
      [{ path: '/event', message: 'track event needs a non-empty "event" string' }],
    ],
    [
      'track with numeric event',
      { type: 'track', userId: 'u', event: 5 },
      [{ path: '/event', message: 'track event needs a non-empty "event" string' }],
    ],
    [
      'properties an array',
      { type: 'track', userId: 'u', event: 'E', properties: [] },
      [{ path: '/properties', message: '"properties" must be an object, got array' }],
    ],
    [
      'traits a string',
      { type: 'identify', userId: 'u', traits: 'x' },
      [{ path: '/traits', message: '"traits" must be an object, got string' }],
    ],
    [
      'context null',
      { type: 'identify', userId: 'u', context: null },
      [{ path: '/context', message: '"context" must be an object, got null' }],
    ],
    [
      'no identity',
      { type: 'track', event: 'E' },
      [{ path: '', message: 'track event needs "userId" or "anonymousId"' }],
    ],
    [
      'empty and null identities',
      { type: 'identify', userId: '', anonymousId: null },
      [{ path: '', message: 'identify event needs "userId" or "anonymousId"' }],
    ],
    [
      'userId an object',
      { type: 'identify', userId: { id: 1 }, anonymousId: 'a' },
      [{ path: '/userId', message: '"userId" must be a string, a number or null, got object' }],
    ],
    [
      'timestamp not a date',
      { type: 'track', userId: 'u', event: 'E', timestamp: 'yesterday' },
      [{ path: '/timestamp', message: '"timestamp" is not an ISO-8601 date: "yesterday"' }],
    ],
    [
      'impossible date',
      { type: 'track', userId: 'u', event: 'E', sentAt: '2025-02-30T00:00:00Z' },
      [{ path: '/sentAt', message: '"sentAt" is not an ISO-8601 date: "2025-02-30T00:00:00Z"' }],
    ],
    [
      'timestamp a number',
      { type: 'track', userId: 'u', event: 'E', timestamp: 1736928002 },
      [{ path: '/timestamp', message: '"timestamp" must be a string, got number' }],
    ],
    [
      'group without groupId',
      { type: 'group', userId: 'u' },
      [{ path: '/groupId', message: 'group event needs a non-empty "groupId" (a string or a number)' }],
    ],
    [
      'group with empty groupId',
      { type: 'group', userId: 'u', groupId: '' },
      [{ path: '/groupId', message: 'group event needs a non-empty "groupId" (a string or a number)' }],
    ],
    [
      'alias without previousId',
      { type: 'alias', userId: 'u' },
      [{ path: '/previousId', message: 'alias event needs a non-empty "previousId" (a string or a number)' }],
    ],
    [
      'messageId a number',
      { type: 'page', userId: 'u', messageId: 7 },
      [{ path: '/messageId', message: '"messageId" must be a string, got number' }],
    ],
    [
      'several problems at once',
      { type: 'track', properties: 'x', timestamp: 'soon' },
      [
        { path: '/event', message: 'track event needs a non-empty "event" string' },
        { path: '/properties', message: '"properties" must be an object, got string' },
        { path: '', message: 'track event needs "userId" or "anonymousId"' },
        { path: '/timestamp', message: '"timestamp" is not an ISO-8601 date: "soon"' },
      ],
    ],
  ])('%s', (_name, event, errors) => {
    const before = structuredClone(event)
    const result = validateEvent(event)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors).toEqual(errors)
    expect(event).toEqual(before)
  })

  it('quotes long values briefly', () => {
    const result = validateEvent({ type: 'track', userId: 'u', event: 'E', timestamp: 'x'.repeat(1000) })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0].message.length).toBeLessThan(140)
  })
})

describe('parseIsoDate', () => {
  it.each([
    ['2025-01-15T08:00:02.972Z', Date.UTC(2025, 0, 15, 8, 0, 2, 972)],
    ['2025-01-15T08:00:02.9726Z', Date.UTC(2025, 0, 15, 8, 0, 2, 972)],
    ['2025-01-15T08:00:02+01:00', Date.UTC(2025, 0, 15, 7, 0, 2)],
    ['2025-01-15T08:00-0230', Date.UTC(2025, 0, 15, 10, 30)],
    ['2025-01-15T08:00:02', Date.UTC(2025, 0, 15, 8, 0, 2)],
    ['2025-01-15', Date.UTC(2025, 0, 15)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2025-01-15T08:00:02.9Z', Date.UTC(2025, 0, 15, 8, 0, 2, 900)],
    ['2025-01-15t08:00:02,97z', Date.UTC(2025, 0, 15, 8, 0, 2, 970)],
    ['2025-01-15T08:00:02.123456789012+05', Date.UTC(2025, 0, 15, 3, 0, 2, 123)],
    ['0050-03-01T00:00:00Z', Date.UTC(2050, 2, 1) - 146_097 * 86_400_000 * 5],
  ])('%s', (text, ms) => expect(parseIsoDate(text)).toBe(ms))
  it.each([
    '2023-02-29',
    '2025-13-01',
    '2025-01-15T25:00:00Z',
    '2025-01-15T08:60Z',
    'yesterday',
    '1736928002',
    '2025-1-5',
    '2025-01-15T08:00:02.Z',
    '2025-01-15T08:00:02+0530x',
    '2025-01-15T8:00Z',
    '2025-01-15T08:00:02+24:00',
    '2025-01-15Z',
  ])('rejects %s', (text) => expect(parseIsoDate(text)).toBeNaN())
})

describe('normalizeEvent', () => {
  const receivedAt = new Date('2025-01-15T08:00:10.000Z')

  it('keeps a client timestamp and messageId, sets receivedAt, returns a new object', () => {
    const event: TrackEvent = {
      type: 'track',
      event: 'E',
      userId: 'u',
      messageId: 'client-id',
      timestamp: '2025-01-15T08:00:02+01:00',
      sentAt: '2025-01-15T08:00:03.000Z',
      originalTimestamp: '2025-01-15T08:00:01.000Z',
      receivedAt: '1999-01-01T00:00:00.000Z',
      properties: { a: 1 },
    }
    const before = structuredClone(event)
    const out = normalizeEvent(event, { receivedAt })
    expect(out).not.toBe(event)
    expect(event).toEqual(before)
    expect(out).toEqual({ ...before, receivedAt: '2025-01-15T08:00:10.000Z' })
    expect(out.properties).toBe(event.properties)
  })

  it('corrects clock skew: receivedAt − (sentAt − originalTimestamp)', () => {
    const event: SegmentEvent = {
      type: 'identify',
      userId: 'u',
      messageId: 'm',
      sentAt: '2025-01-15T09:00:05.000Z', // client clock one hour ahead
      originalTimestamp: '2025-01-15T09:00:00.000Z',
    }
    const out = normalizeEvent(event, { receivedAt })
    expect(out.timestamp).toBe('2025-01-15T08:00:05.000Z')
    expect(event).not.toHaveProperty('timestamp')
  })

  it('uses receivedAt when the skew cannot be computed', () => {
    for (const partial of [
      { sentAt: '2025-01-15T09:00:05.000Z' },
      { originalTimestamp: '2025-01-15T09:00:00.000Z' },
      {},
    ]) {
      const out = normalizeEvent({ type: 'page', userId: 'u', messageId: 'm', ...partial }, { receivedAt })
      expect(out.timestamp).toBe('2025-01-15T08:00:10.000Z')
    }
    const empty = normalizeEvent(
      { type: 'page', userId: 'u', timestamp: '' },
      { receivedAt, generateId: () => 'x' },
    )
    expect(empty.timestamp).toBe('2025-01-15T08:00:10.000Z')
  })

  it('fills a missing or empty messageId', () => {
    const generated = normalizeEvent({ type: 'track', event: 'E', userId: 'u' }, { receivedAt })
    expect(generated.messageId).toMatch(
      /^iterable-actions-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    const again = normalizeEvent({ type: 'track', event: 'E', userId: 'u' }, { receivedAt })
    expect(again.messageId).not.toBe(generated.messageId)
    const custom = normalizeEvent(
      { type: 'track', event: 'E', userId: 'u', messageId: '' },
      { receivedAt, generateId: () => 'fixed' },
    )
    expect(custom.messageId).toBe('fixed')
  })

  it('keeps ids exactly as sent (numbers stay numbers) and keeps unknown keys', () => {
    const event = { type: 'track' as const, event: 'E', userId: 12345, anonymousId: 7, custom: { x: 1 } }
    const out = normalizeEvent(event, { receivedAt, generateId: () => 'id' })
    expect(out).toEqual({
      ...event,
      messageId: 'id',
      receivedAt: '2025-01-15T08:00:10.000Z',
      timestamp: '2025-01-15T08:00:10.000Z',
    })
    expectTypeOf(out.messageId).toEqualTypeOf<string>()
    expectTypeOf(out.timestamp).toEqualTypeOf<string>()
  })
})
