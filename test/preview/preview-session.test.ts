import { describe, expect, it } from 'vitest'
import { defaultConfig, parseConfig } from '../../src/config/load.js'
import { previewEvent } from '../../src/preview/preview-event.js'
import { PreviewSession } from '../../src/preview/session.js'
import { testEvent } from '../iterable/helpers.js'

const config = defaultConfig()
const NOW = Date.parse('2025-06-01T00:00:00Z')

function run(session: PreviewSession, events: unknown[]): Array<Record<string, any>> {
  const out: string[] = []
  events.forEach((e, i) => out.push(...session.push(typeof e === 'string' ? e : JSON.stringify(e), i + 1)))
  out.push(...session.finish())
  return out.map((line) => JSON.parse(line))
}

const track = (id: string, extra: Record<string, unknown> = {}) =>
  testEvent({ messageId: id, userId: `user-${id}`, event: 'Signed Up', ...extra })
const identify = (id: string, extra: Record<string, unknown> = {}) =>
  testEvent({ type: 'identify', messageId: id, userId: `user-${id}`, ...extra })
const cart = (id: string) =>
  testEvent({
    messageId: id,
    userId: `user-${id}`,
    event: 'Cart Updated',
    properties: { products: [{ product_id: 'p', name: 'n', price: 1, quantity: 1 }] },
  })

describe('preview session, single mode', () => {
  it('one line per input line, in order: requests, no match, bad JSON, invalid event', () => {
    const lines = run(new PreviewSession(config, { now: NOW }), [
      track('a'),
      testEvent({ type: 'page', messageId: 'p' }),
      '{not json',
      { type: 'track', messageId: 'x', userId: 'u' },
      identify('b'),
      '',
    ])
    expect(lines).toHaveLength(5)
    expect(lines[0].messageId).toBe('a')
    expect(lines[0].results[0]).toMatchObject({
      mapping: 'Track Calls',
      action: 'trackEvent',
      requests: [{ method: 'POST', url: 'https://api.iterable.com/api/events/track' }],
    })
    expect(lines[1]).toEqual({ messageId: 'p', results: [] })
    expect(lines[2]).toMatchObject({ line: 3, error: { code: 'INVALID_JSON' } })
    expect(lines[3]).toMatchObject({ line: 4, messageId: 'x', error: { code: 'INVALID_EVENT' } })
    expect(lines[3].error.message).toMatch(/^Invalid event: .*event/)
    expect(lines[4].results[0].requests[0].url).toBe('https://api.iterable.com/api/users/update')
  })

  it('headers never carry the API key', () => {
    const keyed = parseConfig(
      { destinations: [{ name: 'd', settings: { apiKey: 'super-secret-key' } }] },
      'c',
      { preview: true },
    )
    const [line] = run(new PreviewSession(keyed), [track('a')])
    expect(Object.keys(line.results[0].requests[0].headers).sort()).toEqual(['content-type', 'user-agent'])
    expect(JSON.stringify(line)).not.toContain('super-secret-key')
  })

  it('D5: createdAt defaults to the event receivedAt, else the time of the run', () => {
    const mapping = { userId: { '@path': '$.userId' }, eventName: { '@path': '$.event' } }
    const custom = parseConfig(
      {
        destinations: [
          {
            name: 'd',
            mappings: [{ name: 'm', trigger: 'type = "track"', action: 'trackEvent', fields: mapping }],
          },
        ],
      },
      'c',
      { preview: true },
    )
    const withReceived = previewEvent(custom, track('a', { receivedAt: '2025-01-15T08:00:03.237Z' }))
    expect((withReceived.results[0] as any).requests[0].body.createdAt).toBe(1736928003)
    const { receivedAt: _r, ...withoutReceived } = track('b')
    const line = previewEvent(custom, withoutReceived, { now: NOW })
    expect((line.results[0] as any).requests[0].body.createdAt).toBe(NOW / 1000)
  })

  it('an event matching several mappings lists each, in mapping order; errors per mapping', () => {
    const both = parseConfig(
      {
        destinations: [
          {
            name: 'd',
            mappings: [
              { name: 'Tracks', preset: 'Track Calls' },
              {
                name: 'Strict',
                trigger: 'type = "track"',
                action: 'trackEvent',
                fields: { eventName: { '@path': '$.event' } },
              },
            ],
          },
        ],
      },
      'c',
      { preview: true },
    )
    const line = previewEvent(both, track('a'))
    expect(line.results.map((r) => r.mapping)).toEqual(['Tracks', 'Strict'])
    expect(line.results[1]).toEqual({
      mapping: 'Strict',
      action: 'trackEvent',
      error: { message: 'Must include email or userId.', code: 'PAYLOAD_VALIDATION_FAILED' },
    })
  })
})

describe('preview session, --batch', () => {
  it('bulk lines for batched mappings; single-shaped lines for the rest, rejected and unmatched events', () => {
    const lines = run(new PreviewSession(config, { batch: true, now: NOW }), [
      track('t1'),
      identify('i1'),
      track('t2'),
      cart('c1'),
      testEvent({ type: 'page', messageId: 'p1' }),
      track('t3', { userId: null }),
      identify('i2', { traits: { updateOnly: true } }),
    ])
    const singles = lines.filter((l) => 'results' in l)
    const bulks = lines.filter((l) => 'request' in l)
    expect(singles.map((l) => l.messageId)).toEqual(['c1', 'p1', 't3'])
    expect(singles[0].results[0].requests[0].url).toBe('https://api.iterable.com/api/commerce/updateCart')
    expect(singles[1].results).toEqual([])
    expect(singles[2].results[0].error.message).toBe('Must include email or userId.')
    expect(bulks.map((b) => [b.mapping, b.action, b.messageIds, b.request.url])).toEqual([
      ['Track Calls', 'trackEvent', ['t1', 't2'], 'https://api.iterable.com/api/events/trackBulk'],
      ['Identify Calls', 'updateUser', ['i1', 'i2'], 'https://api.iterable.com/api/users/bulkUpdate'],
    ])
    // D1: no batch controls in bulk elements.
    expect(bulks[0].request.body.events[0]).not.toHaveProperty('enable_batching')
    expect(bulks[0].request.body.events[0]).not.toHaveProperty('batch_size')
    expect(bulks[0].request.method).toBe('POST')
  })

  it('a full group is written as soon as it reaches the batch size', () => {
    const small = parseConfig(
      {
        destinations: [
          { name: 'd', mappings: [{ name: 'T', preset: 'Track Calls', batching: { size: 2 } }] },
        ],
      },
      'c',
      { preview: true },
    )
    const session = new PreviewSession(small, { batch: true })
    expect(session.push(JSON.stringify(track('a')), 1)).toEqual([])
    const second = session.push(JSON.stringify(track('b')), 2).map((l) => JSON.parse(l))
    expect(second).toHaveLength(1)
    expect(second[0].messageIds).toEqual(['a', 'b'])
    session.push(JSON.stringify(track('c')), 3)
    expect(session.finish().map((l) => JSON.parse(l).messageIds)).toEqual([['c']])
  })

  it('D9: email-based project — updateEmail lines follow the bulk line', () => {
    const emailProject = parseConfig(
      {
        destinations: [
          {
            name: 'd',
            settings: { projectType: 'email' },
            mappings: [
              { name: 'I', preset: 'Identify Calls', fields: { newEmail: { '@path': '$.traits.newEmail' } } },
            ],
          },
        ],
      },
      'c',
      { preview: true },
    )
    const lines = run(new PreviewSession(emailProject, { batch: true }), [
      identify('i1', { traits: { email: 'old@x.io', newEmail: 'new@x.io' } }),
    ])
    expect(lines).toHaveLength(2)
    expect(lines[0].request.url).toBe('https://api.iterable.com/api/users/bulkUpdate')
    expect(lines[1]).toEqual({
      messageId: 'i1',
      results: [
        {
          mapping: 'I',
          action: 'updateUser',
          requests: [
            {
              method: 'POST',
              url: 'https://api.iterable.com/api/users/updateEmail',
              headers: lines[0].request.headers,
              body: { currentEmail: 'old@x.io', currentUserId: 'user-i1', newEmail: 'new@x.io' },
            },
          ],
        },
      ],
    })
  })

  it('europe: bulk and single URLs on the EU host', () => {
    const eu = parseConfig(
      { destinations: [{ name: 'd', settings: { dataCenterLocation: 'europe' } }] },
      'c',
      { preview: true },
    )
    const lines = run(new PreviewSession(eu, { batch: true }), [track('a'), cart('c')])
    expect(lines.map((l) => l.request?.url ?? l.results[0].requests[0].url)).toEqual([
      'https://api.eu.iterable.com/api/commerce/updateCart',
      'https://api.eu.iterable.com/api/events/trackBulk',
    ])
  })
})
