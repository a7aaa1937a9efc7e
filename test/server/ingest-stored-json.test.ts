// The stored JSON of batch events (eventJson): built from each event's own text in the request
// plus the fields normalisation fills in, instead of JSON.stringify of the normalised event. It
// must parse to exactly what JSON.stringify's text parses to: same keys in the same order, same
// values (-0 and 0 told apart). Differential over the corpus and hand-picked edge cases, through
// the real ingest plugin.
import { afterEach, describe, expect, it } from 'vitest'
import { eventJson } from '../../src/engine/event/index.js'
import type { NormalizedEvent } from '../../src/engine/event/index.js'
import { parseBatchBody } from '../../src/server/ingest/batch-body.js'
import { locateBatchElements } from '../../src/server/ingest/batch-scan.js'
import { generateCorpusLines } from '../helpers/shared.js'
import type { IngestFixture } from './ingest-helpers.js'
import { FIXED_NOW, WRITE_KEY, basicAuth, buildIngestApp } from './ingest-helpers.js'

const headers = { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' }

let fixture: IngestFixture
afterEach(async () => {
  await fixture?.app.close()
})

/** Deep equality that also compares key order and tells -0 from 0. */
function sameValue(a: unknown, b: unknown, path = '$'): string | null {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b) ? null : `${path}: ${String(a)} ≠ ${String(b)}`
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`
  const keysA = Object.keys(a)
  const keysB = Object.keys(b)
  if (keysA.join('\u0000') !== keysB.join('\u0000'))
    return `${path}: keys ${keysA.join(',')} ≠ ${keysB.join(',')}`
  for (const key of keysA) {
    const difference = sameValue(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${path}.${key}`,
    )
    if (difference !== null) return difference
  }
  return null
}

/** Posts a batch body as text; returns the events the sink received. */
async function ingest(body: string): Promise<NormalizedEvent[]> {
  const before = fixture.calls.length
  const response = await fixture.app.inject({ method: 'POST', url: '/v1/batch', headers, payload: body })
  expect(response.statusCode, response.body).toBe(200)
  return fixture.calls.slice(before).flatMap((call) => call.events) as unknown as NormalizedEvent[]
}

/**
 * Every event's stored JSON parses to what JSON.stringify of the event parses to. Returns how many
 * texts differ from JSON.stringify's (so certainly came from the request text).
 */
function expectStoredJsonAsToday(events: NormalizedEvent[]): number {
  let reused = 0
  for (const event of events) {
    const today = JSON.stringify(event)
    const stored = eventJson(event)
    if (stored !== today) reused++
    expect(sameValue(JSON.parse(stored), JSON.parse(today)), stored).toBeNull()
  }
  return reused
}

describe('stored JSON of batch events', () => {
  it('parses to the same values as JSON.stringify over the whole corpus', async () => {
    fixture = await buildIngestApp()
    const lines = generateCorpusLines(10_000, 20251115)
    let events = 0
    let reused = 0
    let lossy = 0
    for (let i = 0; i < lines.length; i += 100) {
      const body = `{"batch":[${lines.slice(i, i + 100).join(',')}]}`
      const received = await ingest(body)
      events += received.length
      reused += expectStoredJsonAsToday(received)
      lossy += locateBatchElements(Buffer.from(body))!.lossy.length
    }
    expect(events).toBe(lines.length)
    // The corpus events carry a receivedAt of their own, so a reused text always differs from
    // JSON.stringify's: every event took the text path but those with a doubtful number.
    expect(lossy).toBeLessThan(lines.length / 100)
    expect(reused).toBe(lines.length - lossy)
  }, 60_000)

  it('appends only the fields normalisation changed, keeping the client text otherwise', async () => {
    fixture = await buildIngestApp()
    const text =
      '{ "type" : "track", "event":"A", "userId":"u1", "messageId":"m1", "timestamp":"2025-01-15T08:00:00.000Z" }'
    const [event] = await ingest(`{"batch":[${text}]}`)
    expect(eventJson(event)).toBe(
      `${text.slice(0, -1)},"receivedAt":${JSON.stringify(FIXED_NOW.toISOString())}}`,
    )
    expect(Object.keys(JSON.parse(eventJson(event)))).toEqual(Object.keys(event))
  })

  it.each([
    ['no messageId, no timestamp', '{"type":"track", "event":"A","userId":"u1"}'],
    ['empty messageId', '{"type":"track", "event":"A","userId":"u1","messageId":""}'],
    [
      'clock-skew corrected timestamp',
      '{"type":"track", "event":"A","userId":"u1","sentAt":"2025-01-15T08:00:05Z","originalTimestamp":"2025-01-15T08:00:00Z"}',
    ],
    [
      'client receivedAt in the middle',
      '{"type":"identify","receivedAt":"2020-01-01T00:00:00Z","userId":"u1","traits":{"receivedAt":"x"}}',
    ],
    [
      'pretty printed with escapes',
      '{\n  "type": "identify",\n  "user\\u0049d": "u\\"1\\\\",\n  "traits": { "name": "Caf\\u00e9 \\ud83d\\ude00 \\ud800", "tab": "\\t" }\n}',
    ],
    ['non-ASCII text', '{"type":"identify", "userId":"Zoë 🚀","traits":{"nickname":"“quoted” 日本"}}'],
    [
      'a key written twice',
      '{"type":"track","event":"A","event":"B","userId":"u1","messageId":"m0","messageId":"m1"}',
    ],
    [
      'numbers that round-trip',
      '{"type":"track","event":"A","userId":"u1","properties":{"a":0,"b":-1.5,"c":12345678901234567890,"d":0.1000000000000000055511151231257827,"e":[1,2.50]}}',
    ],
  ])('%s', async (_name, text) => {
    // Each text differs from JSON.stringify's (a space at least), so the reuse shows.
    fixture = await buildIngestApp()
    const events = await ingest(`{"batch":[${text}]}`)
    expect(expectStoredJsonAsToday(events)).toBe(1)
  })

  it.each([
    ['-0', '{"type":"track","event":"A","userId":"u1","properties":{"z":-0}}'],
    ['-0.0', '{"type":"track","event":"A","userId":"u1","properties":{"z":-0.0}}'],
    ['an underflow to -0', '{"type":"track","event":"A","userId":"u1","properties":{"z":-1e-400}}'],
    // (Numbers that overflow to Infinity are rejected: test/server/ingest-json-limits.test.ts.)
    ['a large exponent', '{"type":"track","event":"A","userId":"u1","properties":{"big":1E300}}'],
    [
      'a 305-digit number',
      `{"type":"track","event":"A","userId":"u1","properties":{"big":${'9'.repeat(305)}}}`,
    ],
  ])('falls back to JSON.stringify for a number JSON would not write back: %s', async (_name, text) => {
    fixture = await buildIngestApp()
    const [event] = await ingest(`{"batch":[${text}]}`)
    expect(eventJson(event)).toBe(JSON.stringify(event))
  })

  it('falls back to JSON.stringify for events changed before normalisation', async () => {
    fixture = await buildIngestApp()
    const events = await ingest(
      JSON.stringify({
        context: { ip: '1.2.3.4' },
        batch: [
          { type: 'track', event: 'A', userId: 'u1' },
          { type: 'track', event: 'B', userId: 'u1', writeKey: WRITE_KEY },
        ],
      }),
    )
    expect(events).toHaveLength(2)
    for (const event of events) expect(eventJson(event)).toBe(JSON.stringify(event))
    const [plain] = await ingest(
      JSON.stringify({ batch: [{ type: 'track', event: 'C', userId: 'u1', writeKey: WRITE_KEY }] }),
    )
    expect(eventJson(plain)).toBe(JSON.stringify(plain))
    expect(eventJson(plain)).not.toContain('writeKey')
  })

  it('only the events of a body that can reuse their text do', async () => {
    fixture = await buildIngestApp()
    const events = await ingest(
      '{"batch":[{"type":"track","event":"A","userId":"u1","properties":{"x":-0}},{"type":"track", "event":"B","userId":"u1"}]}',
    )
    expect(eventJson(events[0])).toBe(JSON.stringify(events[0]))
    expect(expectStoredJsonAsToday(events)).toBe(1)
  })
})

describe('batch scan: numbers that may not come back the same', () => {
  const lossy = (text: string): number[] | undefined => locateBatchElements(Buffer.from(text))?.lossy

  it('flags -0…, exponents and very long numbers, per element', () => {
    expect(lossy('{"batch":[{"a":-0},{"a":1},{"a":[1e5]},{"a":-0.5,"b":-0}]}')).toEqual([0, 2, 3])
    expect(lossy(`{"batch":[{"a":${'1'.repeat(301)}},{"a":${'1'.repeat(300)}}]}`)).toEqual([0])
  })

  it('ignores literals, strings and numbers outside the batch', () => {
    const body = '{"x":-0,"y":1e99,"batch":[{"t":true,"f":false,"n":null,"s":"-0 1e5","d":"2025-01-05"}]}'
    expect(lossy(body)).toEqual([])
    expect(parseBatchBody(Buffer.from(body)).texts).toEqual([body.slice(body.indexOf('[{') + 1, -2)])
  })
})
