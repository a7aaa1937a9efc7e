// Batch bodies: the raw-bytes scanner that finds and sizes each element, and the parser that
// parses elements one by one, falling back to one JSON.parse whenever in doubt.
import { describe, expect, it } from 'vitest'
import { parseBatchBody, parseInParts } from '../../src/server/ingest/batch-body.js'
import { locateBatchElements, measureBatchElements } from '../../src/server/ingest/batch-scan.js'
import { IngestError } from '../../src/server/ingest/errors.js'

const bytes = (text: string): number => Buffer.byteLength(text)

describe('measureBatchElements', () => {
  it('sizes compact elements like JSON.stringify', () => {
    const batch = [{ a: 1 }, { b: 'two', c: [1, 2, { d: null }] }, { e: 'ü€😀' }]
    const body = JSON.stringify({ writeKey: 'k', batch, sentAt: 'x' })
    expect(measureBatchElements(Buffer.from(body))).toEqual(batch.map((e) => bytes(JSON.stringify(e))))
  })

  it('measures the raw text of each element, without surrounding whitespace', () => {
    const elements = [
      '{ "a" : [ 1 , 2 ] }',
      '"text"',
      '12.5e3',
      'true',
      'null',
      '[ ]',
      '{"nested":{"batch":[1,2,3]}}',
    ]
    const body = `\n{ "context" : { "batch": [9, 9] } ,\r\n "batch" :\t[ ${elements.join(' ,\n  ')}  ] , "x": 1 }\n`
    expect(measureBatchElements(Buffer.from(body))).toEqual(elements.map(bytes))
  })

  it('is not fooled by brackets, commas and escaped quotes inside strings', () => {
    const tricky = { s: 'a "quoted" ], [ {string} \\', t: '\\"', u: 'batch' }
    const body = JSON.stringify({ batch: [tricky, { '"batch"': ['[', ']'] }] })
    expect(measureBatchElements(Buffer.from(body))).toEqual([
      bytes(JSON.stringify(tricky)),
      bytes(JSON.stringify({ '"batch"': ['[', ']'] })),
    ])
  })

  it('gives up on a repeated "batch" key, empty elements and a mismatched close', () => {
    for (const body of [
      '{"batch":[1,2,3],"other":{},"batch":[{"x":"yy"}]}',
      '{"batch":[1,,2]}',
      '{"batch":[,1]}',
      '{"batch":[1,]}',
      '{"batch":[1}',
      '{"batch":[1, "open]}',
    ]) {
      expect(locateBatchElements(Buffer.from(body)), body).toBeUndefined()
    }
  })

  it('reports where the batch array starts and ends', () => {
    const body = '{"a":1, "batch" : [ {"b":2} ] ,"c":3}'
    const layout = locateBatchElements(Buffer.from(body))!
    expect(body.slice(layout.arrayStart, layout.arrayEnd)).toBe('[ {"b":2} ]')
    expect(layout.starts.map((s, i) => body.slice(s, layout.ends[i]))).toEqual(['{"b":2}'])
  })

  it('returns an empty list for an empty batch and undefined without one', () => {
    expect(measureBatchElements(Buffer.from('{"batch": [ ]}'))).toEqual([])
    expect(measureBatchElements(Buffer.from('{"events": [1, 2]}'))).toBeUndefined()
    expect(measureBatchElements(Buffer.from('{"x": {"batch": [1, 2]}}'))).toBeUndefined()
    expect(measureBatchElements(Buffer.from('[{"batch": [1]}]'))).toBeUndefined()
  })

  it('does not mistake a string value "batch" for the key', () => {
    const body = '{"name":"batch","list":[1,2],"batch":[{"a":1}]}'
    expect(measureBatchElements(Buffer.from(body))).toEqual([bytes('{"a":1}')])
  })
})

describe('parseBatchBody', () => {
  const parse = (text: string | Buffer) => parseBatchBody(Buffer.isBuffer(text) ? text : Buffer.from(text))

  it.each([
    ['compact', JSON.stringify({ writeKey: 'k', sentAt: 's', batch: [{ a: 1 }, { b: ['x', { c: null }] }] })],
    [
      'pretty',
      JSON.stringify({ context: { ip: '1' }, batch: [{ a: 'ü “x” 😀' }, 2, 'three', [4]] }, null, 2),
    ],
    ['repeated batch key (plain path)', '{"batch":[1],"batch":[{"last":true}]}'],
    ['escaped key in the envelope (plain path)', '{"b\\u0061tch":[1],"batch":[2]}'],
    ['escaped non-ASCII in events', '{"batch":[{"t":"Caf\\u00e9"}]}'],
    ['byte order mark', '\ufeff{"batch":[{"a":1}]}'],
  ])('gives what JSON.parse gives: %s', (_name, text) => {
    const expected = JSON.parse(text.replace(/^\ufeff/, ''))
    expect(parse(text).json).toEqual(expected)
  })

  it('takes the per-event path for ordinary bodies and the plain path when in doubt', () => {
    const ordinary = JSON.stringify({ writeKey: 'k', batch: [{ a: 'ü', t: 'Caf\\u00e9' }] }, null, 1)
    expect(parseInParts(Buffer.from(ordinary))?.json).toEqual(JSON.parse(ordinary))
    for (const doubtful of [
      '{"batch":[1],"batch":[2]}',
      '{"b\\u0061tch":[1],"batch":[2]}',
      '{"batch":[{"__proto__":1}]}',
      '{"batch":[{"a":1} {"b":2}]}',
      '[{"batch":[1]}]',
      '{"batch":{"0":1}}',
    ]) {
      expect(parseInParts(Buffer.from(doubtful)), doubtful).toBeUndefined()
    }
  })

  it('sizes every element from the bytes', () => {
    const batch = [{ a: 'ü' }, { b: [1, 2] }]
    expect(parse(JSON.stringify({ batch })).sizes).toEqual(batch.map((e) => bytes(JSON.stringify(e))))
  })

  it.each([
    ['a broken element', '{"batch":[{"a":1},{"b":}]}'],
    ['a missing comma', '{"batch":[{"a":1} {"b":2}]}'],
    ['an empty element', '{"batch":[{"a":1},,{"b":2}]}'],
    ['a broken envelope', '{"batch":[{"a":1}], "x": }'],
    ['a trailing comma', '{"batch":[{"a":1},]}'],
  ])('rejects invalid JSON with the parser message: %s', (_name, text) => {
    let thrown: unknown
    try {
      parse(text)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(IngestError)
    expect((thrown as IngestError).code).toBe('invalid_json')
    expect((thrown as IngestError).message).toMatch(/^invalid JSON: .+/)
  })

  it('refuses __proto__ keys in events', () => {
    expect(() => parse('{"batch":[{"__proto__":{"x":1}}]}')).toThrow(/__proto__/)
    expect(() => parse('{"batch":[{"\\u005f_proto__":{"x":1}}]}')).toThrow(/__proto__/)
  })

  it('refuses __proto__ keys anywhere, deep or in the envelope, and keeps the fast path for mere mentions', () => {
    for (const text of [
      '{"__proto__":{"x":1},"batch":[{"a":1}]}',
      '{"batch":[{"a":{"b":[{"__proto__":{"x":1}}]}}]}',
      '{"batch":[{"a":1}],"context":{"__proto__":{}}}',
    ]) {
      expect(parseInParts(Buffer.from(text)), text).toBeUndefined()
      expect(() => parse(text), text).toThrow(/__proto__/)
    }
    const mention = '{"batch":[{"note":"a __proto__ b","__proto_":1,"x__proto__":2}]}'
    expect(parseInParts(Buffer.from(mention))?.json).toEqual(JSON.parse(mention))
    // A "__proto__" value is no key: the plain path accepts it and still sizes every element.
    const value = '{"batch":[ {"a": "__proto__"} ,{"b":1}]}'
    expect(parseInParts(Buffer.from(value))).toBeUndefined()
    expect(parse(value)).toEqual({
      json: JSON.parse(value),
      sizes: [bytes('{"a": "__proto__"}'), bytes('{"b":1}')],
      nonFinite: new Map(),
    })
  })
})
