// The raw-bytes scanner that sizes each batch element without re-serialising it.
import { describe, expect, it } from 'vitest'
import { measureBatchElements } from '../../src/server/ingest/batch-sizes.js'

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

  it('follows the last "batch" key, as JSON.parse does', () => {
    const body = '{"batch":[1,2,3],"other":{},"batch":[{"x":"yy"}]}'
    expect(measureBatchElements(Buffer.from(body))).toEqual([bytes('{"x":"yy"}')])
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
