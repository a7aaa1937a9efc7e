// compileFields beyond the §6.5 vectors: schema shape (§3.3), defaults (§3.6), batch mode (§3.9),
// input isolation, compile-once, messages of the other keywords, date-like, and the payload type.
import { Ajv } from 'ajv'
import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import {
  compileFields,
  defineFields,
  fieldsToJsonSchema,
  isDateLike,
  PayloadValidationError,
} from '../../src/engine/fields/index.js'
import type { PayloadOf } from '../../src/engine/fields/index.js'

describe('fieldsToJsonSchema (§3.3)', () => {
  it('maps types, labels, formats, choices, allowNull, multiple, bounds and nested properties', () => {
    const schema = fieldsToJsonSchema({
      id: {
        label: 'ID',
        description: 'the id',
        type: 'string',
        required: true,
        default: { '@path': '$.userId' },
      },
      pw: { label: 'Password', type: 'password', format: 'email' },
      when: { label: 'When', type: 'datetime', allowNull: true },
      kind: { label: 'Kind', type: 'string', choices: [{ label: 'A', value: 'a' }, 'b'], allowNull: true },
      tags: { label: 'Tags', type: 'string', multiple: true, choices: ['x', 'y'], minimum: 1, maximum: 3 },
      zero: { label: 'Zero', type: 'number', minimum: 0, maximum: 10 },
      item: {
        label: 'Item',
        type: 'object',
        properties: { sku: { label: 'SKU', type: 'string', required: true } },
      },
    })
    expect(schema).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['id'],
      properties: {
        id: { title: 'ID', description: 'the id', type: 'string', default: { '@path': '$.userId' } },
        pw: { title: 'Password', type: 'string', format: 'password' },
        when: { title: 'When', type: ['string', 'number', 'null'], format: 'date-like' },
        kind: { title: 'Kind', type: ['string', 'null'], enum: ['a', 'b', null] },
        tags: {
          title: 'Tags',
          type: 'array',
          items: { type: 'string', enum: ['x', 'y'] },
          minLength: 1,
          maxLength: 3,
        },
        zero: { title: 'Zero', type: 'number', maximum: 10 },
        item: {
          title: 'Item',
          type: 'object',
          additionalProperties: false,
          properties: { sku: { title: 'SKU', type: 'string' } },
          required: ['sku'],
        },
      },
    })
  })

  it('puts conditional requirements into the root allOf and drops the nested required list', () => {
    const schema = fieldsToJsonSchema({
      mode: { label: 'Mode', type: 'string' },
      obj: {
        label: 'Obj',
        type: 'object',
        properties: {
          a: { label: 'A', type: 'string', required: true },
          b: {
            label: 'B',
            type: 'string',
            required: { conditions: [{ fieldKey: 'mode', operator: 'is', value: 'x' }] },
          },
        },
      },
    })
    expect(schema?.properties?.obj.required).toBeUndefined()
    expect(schema?.allOf).toEqual([
      {
        if: { required: ['mode'], properties: { mode: { const: 'x' } } },
        then: { required: ['obj'], properties: { obj: { required: ['b'] } } },
      },
    ])
  })

  it('has no schema for an action without fields: payload passed through untouched', () => {
    const c = compileFields({})
    expect(c.schema).toBeUndefined()
    const payload = { __segment_internal_sync_mode: 'add', x: '' }
    const result = c.validate(payload, 'single')
    expect(result).toEqual({ ok: true, payload: { __segment_internal_sync_mode: 'add', x: '' } })
  })
})

describe('reference quirks kept on purpose (§3.3)', () => {
  const c = compileFields({
    dts: { label: 'DTS', type: 'datetime', multiple: true },
    emails: { label: 'Emails', type: 'string', format: 'email', multiple: true, minimum: 5 },
    pw: { label: 'PW', type: 'password' },
    txt: { label: 'TXT', type: 'text', format: 'email' },
    withDefault: { label: 'With default', type: 'string', default: 'fallback' },
    zeroMin: { label: 'Zero min', type: 'string', minimum: 0, maximum: 0 },
  })
  it('multiple datetime items are not checked as dates', () =>
    expect(c.validate({ dts: ['not a date', 5] }, 'single')).toEqual({
      ok: true,
      payload: { dts: ['not a date', 5] },
    }))
  it('format and length bounds on a multiple string have no effect', () =>
    expect(c.validate({ emails: 'x' }, 'single')).toEqual({ ok: true, payload: { emails: ['x'] } }))
  it('text and password accept any string, a user format is ignored', () =>
    expect(c.validate({ pw: 'p', txt: 'not an email' }, 'single')).toEqual({
      ok: true,
      payload: { pw: 'p', txt: 'not an email' },
    }))
  it('defaults are never applied during validation', () =>
    expect(c.validate({}, 'single')).toEqual({ ok: true, payload: {} }))
  it('zero bounds are ignored', () =>
    expect(c.validate({ zeroMin: 'abc' }, 'single')).toEqual({ ok: true, payload: { zeroMin: 'abc' } }))
})

describe('defaults (§3.6)', () => {
  it('returns the defaults of the fields that have one, as a fresh object', () => {
    const c = compileFields({
      a: { label: 'A', type: 'string', default: { '@path': '$.userId' } },
      b: { label: 'B', type: 'boolean', default: false },
      c: { label: 'C', type: 'string' },
    })
    const first = c.defaults()
    expect(first).toEqual({ a: { '@path': '$.userId' }, b: false })
    ;(first.a as Record<string, string>)['@path'] = 'changed'
    expect(c.defaults()).toEqual({ a: { '@path': '$.userId' }, b: false })
  })
})

describe('batch mode (§3.4, §3.9)', () => {
  const c = compileFields({
    user_id: { label: 'User ID', type: 'string', required: true },
    n: { label: 'N', type: 'number' },
    when: { label: 'When', type: 'datetime' },
  })
  it('keeps a root "" of a string field (required passes)', () => {
    expect(c.validate({ user_id: '' }, 'batch')).toEqual({ ok: true, payload: { user_id: '' } })
    expect(c.validate({ user_id: '' }, 'single').ok).toBe(false)
  })
  it('fails a root "" datetime instead of removing it', () => {
    const result = c.validate({ user_id: 'u', when: '' }, 'batch')
    expect(result.ok ? '' : result.message).toBe('When must be a valid date-like string but it was not.')
    expect(c.validate({ user_id: 'u', when: '' }, 'single')).toEqual({ ok: true, payload: { user_id: 'u' } })
  })
  it('still removes a root "" of a non-string field', () => {
    expect(c.validate({ user_id: 'u', n: '' }, 'batch')).toEqual({ ok: true, payload: { user_id: 'u' } })
  })
})

describe('input isolation', () => {
  const fields = defineFields({
    id: { label: 'ID', type: 'string' },
    dataFields: { label: 'Data', type: 'object' },
    item: {
      label: 'Item',
      type: 'object',
      properties: {
        price: { label: 'Price', type: 'number' },
        inner: { label: 'Inner', type: 'object', properties: { q: { label: 'Q', type: 'integer' } } },
      },
    },
    items: {
      label: 'Items',
      type: 'object',
      multiple: true,
      properties: { price: { label: 'Price', type: 'number' } },
    },
    wrapped: {
      label: 'Wrapped',
      type: 'object',
      multiple: true,
      properties: { q: { label: 'Q', type: 'integer' } },
    },
    tags: { label: 'Tags', type: 'string', multiple: true },
  })
  const c = compileFields(fields)

  it('never writes into the caller payload, even when AJV coerces and strips', () => {
    const dataFields = { nested: { x: '1' }, empty: '' }
    const input = {
      id: 42,
      dataFields,
      item: { price: '9.5', extra: true, inner: { q: '3', drop: 1 } },
      items: [{ price: '1', extra: 1 }, null],
      wrapped: { q: '7', junk: 'x' },
      tags: ['a', 2],
      unknown: 'x',
    }
    const before = structuredClone(input)
    const result = c.validate(input, 'single')
    expect(result).toEqual({
      ok: true,
      payload: {
        id: '42',
        dataFields: { nested: { x: '1' }, empty: '' },
        item: { price: 9.5, inner: { q: 3 } },
        items: [{ price: 1 }],
        wrapped: [{ q: 7 }],
        tags: ['a', '2'],
      },
    })
    expect(input).toEqual(before)
    // Schema-less objects are shared (AJV never touches them): no needless copies.
    if (result.ok) expect(result.payload.dataFields).toBe(dataFields)
  })

  it('leaves the input intact when validation fails', () => {
    const input = { item: { price: 'abc', extra: 1 }, tags: ['a', { b: 1 }] }
    const before = structuredClone(input)
    const result = c.validate(input, 'batch')
    expect(result.ok).toBe(false)
    expect(input).toEqual(before)
  })

  it('accepts frozen input', () => {
    const input = Object.freeze({
      id: 1,
      item: Object.freeze({ price: '2', extra: 1 }),
      tags: Object.freeze(['x', 3]),
    })
    expect(c.validate(input, 'single')).toEqual({
      ok: true,
      payload: { id: '1', item: { price: 2 }, tags: ['x', '3'] },
    })
  })

  it('keeps a "__proto__" key as data, never as a prototype', () => {
    const cc = compileFields({
      o: { label: 'O', type: 'object', additionalProperties: true, properties: {} },
    })
    const input = JSON.parse('{"o":{"__proto__":{"polluted":true},"k":1}}') as Record<string, unknown>
    const result = cc.validate(input, 'single')
    expect(result.ok).toBe(true)
    if (result.ok) {
      const o = result.payload.o as Record<string, unknown>
      expect(Object.getPrototypeOf(o)).toBe(Object.prototype)
      expect(Object.keys(o)).toEqual(['__proto__', 'k'])
      expect((o as { polluted?: boolean }).polluted).toBeUndefined()
    }
  })
})

describe('compile once', () => {
  it('compiles the AJV validator at compileFields time, never per payload', () => {
    const spy = vi.spyOn(Ajv.prototype, 'compile')
    try {
      const c = compileFields({ a: { label: 'Compile once A', type: 'number' } })
      expect(spy).toHaveBeenCalledTimes(1)
      for (let i = 0; i < 20; i++) c.validate({ a: String(i) }, i % 2 ? 'single' : 'batch')
      expect(spy).toHaveBeenCalledTimes(1)
    } finally {
      spy.mockRestore()
    }
  })

  it('shares one validator between equal field sets', () => {
    const spy = vi.spyOn(Ajv.prototype, 'compile')
    try {
      const fields = { b: { label: 'Shared B', type: 'integer' } } as const
      const first = compileFields(fields)
      const second = compileFields({ ...fields })
      expect(spy).toHaveBeenCalledTimes(1)
      expect(first.validate({ b: '2' }, 'single')).toEqual({ ok: true, payload: { b: 2 } })
      expect(second.validate({ b: 'x' }, 'single').ok).toBe(false)
    } finally {
      spy.mockRestore()
    }
  })
})

describe('messages', () => {
  const c = compileFields({
    e3: { label: 'E3', type: 'string', choices: ['a', 'b', 'c'] },
    sn: { label: 'SN', type: 'string', allowNull: true },
    one: { label: 'One', type: 'string', minimum: 1, maximum: 1 },
    ts: { label: 'TS', type: 'string', format: 'date-time' },
    ip: { label: 'IP', type: 'string', format: 'ipv4' },
    id: { label: 'id', type: 'integer' },
    obj: { label: '', type: 'object', properties: { k: { label: 'K', type: 'string', required: true } } },
  })
  const messageOf = (payload: Record<string, unknown>) => {
    const result = c.validate(payload, 'single')
    return result.ok ? 'valid' : result.message
  }
  it('lists three or more enum values with a serial comma', () =>
    expect(messageOf({ e3: 'z' })).toBe('E3 must be one of: "a", "b", or "c".'))
  it('names every allowed type', () =>
    expect(messageOf({ sn: {} })).toBe('SN must be a string or null but it was an object.'))
  it('uses the singular for one character', () => {
    expect(messageOf({ one: 'ab' })).toBe('One must be 1 character or fewer but it was 2 characters.')
  })
  it('labels formats', () => {
    expect(messageOf({ ts: 'x' })).toBe('TS must be a valid date and time string but it was not.')
    expect(messageOf({ ip: 'x' })).toBe('IP must be a valid IPv4 address string but it was not.')
  })
  it('capitalises the first letter of a label', () =>
    expect(messageOf({ id: 'x' })).toBe('Id must be an integer but it was a string.'))
  it('falls back to the pointer when a schema has no title, and joins all sentences', () => {
    expect(messageOf({ obj: {}, id: 'x' })).toBe(
      "Id must be an integer but it was a string. The value at /obj is missing the required field 'k'.",
    )
  })
  it('describes a payload that is not an object', () => {
    const one = compileFields({ a: { label: 'A', type: 'string' } })
    const results = [undefined, [1], 'x'].map((payload) => one.validate(payload, 'single'))
    expect(results.map((r) => (r.ok ? 'valid' : r.message))).toEqual([
      'The root value must be an object but it was undefined.',
      'The root value must be an object but it was an array.',
      'The root value must be an object but it was a string.',
    ])
  })
  it('reports every error with its path and keyword', () => {
    const result = c.validate({ sn: 1.5, ip: 'x', e3: 'q' }, 'single')
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.errors.map((e) => [e.path, e.keyword])).toEqual(
        expect.arrayContaining([
          ['/ip', 'format'],
          ['/e3', 'enum'],
        ]),
      )
      expect('payload' in result).toBe(false)
    }
  })
  it('parse throws a typed, non-retryable error', () => {
    expect(() => c.parse({ e3: 'z' }, 'single')).toThrow(PayloadValidationError)
    try {
      c.parse({ e3: 'z' }, 'single')
    } catch (error) {
      const e = error as PayloadValidationError
      expect([e.name, e.status, e.code, e.retryable, e.message]).toEqual([
        'AggregateAjvError',
        400,
        'PAYLOAD_VALIDATION_FAILED',
        false,
        'E3 must be one of: "a", "b", or "c".',
      ])
    }
  })
})

describe('isDateLike (§3.5)', () => {
  it.each([
    ['1626130960', true],
    ['-5', true],
    ['1.5', true],
    ['0', true],
    ['1626130960563', true],
    ['8640000000000', true],
    ['8640000000001', false],
    ['Infinity', false],
    ['2021-07-12T23:02:40.563Z', true],
    ['2021-07-12T23:02:40+02:00', true],
    ['2021/07/12 23:02', true],
    ['2021-13-45', true],
    ['2021', true],
    ['July 12, 2021', true],
    ['Mon, 12 Jul 2021 23:02:40 GMT', true],
    ['12', true],
    ['007', true],
    ['not a date', false],
    ['true', false],
    ['', false],
    ['2021-07-12Tfoo', false],
  ])('%s → %s', (value, expected) => {
    expect(isDateLike(value)).toBe(expected)
  })
})

describe('PayloadOf (type level)', () => {
  it('derives the payload type from the field definitions', () => {
    const fields = defineFields({
      userId: { label: 'User ID', type: 'string', required: true },
      n: { label: 'N', type: 'number' },
      kind: { label: 'Kind', type: 'string', choices: ['a', { label: 'B', value: 'b' }] },
      tags: { label: 'Tags', type: 'string', multiple: true },
      phone: { label: 'Phone', type: 'string', allowNull: true },
      when: { label: 'When', type: 'datetime' },
      data: { label: 'Data', type: 'object' },
      item: {
        label: 'Item',
        type: 'object',
        properties: {
          sku: { label: 'SKU', type: 'string', required: true },
          qty: { label: 'Qty', type: 'integer' },
        },
      },
    })
    type P = PayloadOf<typeof fields>
    expectTypeOf<P['userId']>().toEqualTypeOf<string>()
    expectTypeOf<P['n']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<P['kind']>().toEqualTypeOf<'a' | 'b' | undefined>()
    expectTypeOf<P['tags']>().toEqualTypeOf<string[] | undefined>()
    expectTypeOf<P['phone']>().toEqualTypeOf<string | null | undefined>()
    expectTypeOf<P['when']>().toEqualTypeOf<string | number | undefined>()
    expectTypeOf<P['data']>().toEqualTypeOf<Record<string, unknown> | undefined>()
    expectTypeOf<NonNullable<P['item']>['sku']>().toEqualTypeOf<string>()
    expectTypeOf<NonNullable<P['item']>['qty']>().toEqualTypeOf<number | undefined>()
    // The validated payload carries the type.
    const result = compileFields(fields).validate({ userId: 1 }, 'single')
    if (result.ok) expectTypeOf(result.payload).toEqualTypeOf<P>()
    expect(result).toEqual({ ok: true, payload: { userId: '1' } })
  })
})
