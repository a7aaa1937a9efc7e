// Reference vectors §6.5 (S01–S55): field schema, empty-value removal and coercion, single-event mode.
import { describe, expect, it } from 'vitest'
import { compileFields, defineFields, removeEmptyValues } from '../../src/engine/fields/index.js'
import type { FieldDefinitions, JsonSchema } from '../../src/engine/fields/index.js'

const FIELDS = defineFields({
  s: { label: 'S', type: 'string' },
  t: { label: 'T', type: 'text' },
  n: { label: 'N', type: 'number' },
  i: { label: 'I', type: 'integer' },
  b: { label: 'B', type: 'boolean' },
  dt: { label: 'DT', type: 'datetime' },
  o: { label: 'O', type: 'object' },
  op: {
    label: 'OP',
    type: 'object',
    properties: { k: { label: 'K', type: 'string' }, m: { label: 'M', type: 'number' } },
  },
  opa: {
    label: 'OPA',
    type: 'object',
    additionalProperties: true,
    properties: { k: { label: 'K', type: 'string' } },
  },
  ms: { label: 'MS', type: 'string', multiple: true },
  mo: {
    label: 'MO',
    type: 'object',
    multiple: true,
    properties: { k: { label: 'K', type: 'string', required: true } },
  },
  en: { label: 'EN', type: 'string', choices: ['a', 'b'] },
  sn: { label: 'SN', type: 'string', allowNull: true },
  mm: { label: 'MM', type: 'string', minimum: 2, maximum: 4 },
  email: { label: 'Email', type: 'string', format: 'email' },
  uri: { label: 'URI', type: 'string', format: 'uri' },
})

const compiled = compileFields(FIELDS)

function run(payload: Record<string, unknown>) {
  return compiled.validate(payload, 'single')
}
function expectPayload(input: Record<string, unknown>, expected: Record<string, unknown>) {
  const result = run(input)
  expect(result).toEqual({ ok: true, payload: expected })
}
function expectError(input: Record<string, unknown>, message: string) {
  const result = run(input)
  expect(result.ok).toBe(false)
  if (!result.ok) expect(result.message).toBe(message)
}
/** Validity under a small, purpose-built field set (the [T] vectors). */
function validity(fields: FieldDefinitions, payloads: Record<string, unknown>[]): boolean[] {
  const c = compileFields(fields)
  return payloads.map((p) => c.validate(p, 'single').ok)
}

describe('§6.5 coercion and messages', () => {
  it('S01 string from number', () => expectPayload({ s: 1234 }, { s: '1234' }))
  it('S02 string from boolean', () => expectPayload({ s: true }, { s: 'true' }))
  it('S03 string from one-element array', () => expectPayload({ s: ['a'] }, { s: 'a' }))
  it('S04 string from two-element array fails', () =>
    expectError({ s: ['a', 'b'] }, 'S must be a string but it was an array.'))
  it('S05 string from object fails', () =>
    expectError({ s: { a: 1 } }, 'S must be a string but it was an object.'))
  it('S06 null string removed', () => expectPayload({ s: null }, {}))
  it('S07 empty string removed at root', () => expectPayload({ s: '' }, {}))
  it('S08 text from number', () => expectPayload({ t: 5 }, { t: '5' }))
  it('S09 number from numeric strings', () => {
    expectPayload({ n: '12' }, { n: 12 })
    expectPayload({ n: '12.5' }, { n: 12.5 })
    expectPayload({ n: ' 7 ' }, { n: 7 })
    expectPayload({ n: '1e3' }, { n: 1000 })
  })
  it('S10 number from boolean and one-element array', () => {
    expectPayload({ n: true }, { n: 1 })
    expectPayload({ n: [3] }, { n: 3 })
  })
  it('S11 number from text fails', () => expectError({ n: 'abc' }, 'N must be a number but it was a string.'))
  it('S12 empty or null number removed', () => {
    expectPayload({ n: '' }, {})
    expectPayload({ n: null }, {})
  })
  it('S13 integer from string and boolean', () => {
    expectPayload({ i: '12' }, { i: 12 })
    expectPayload({ i: false }, { i: 0 })
  })
  it('S14 integer from fraction fails', () =>
    expectError({ i: 1.5 }, 'I must be an integer but it was a number.'))
  it('S15 integer from fractional string fails', () =>
    expectError({ i: '1.5' }, 'I must be an integer but it was a string.'))
  it('S16 boolean coercions', () => {
    expectPayload({ b: 'true' }, { b: true })
    expectPayload({ b: 'false' }, { b: false })
    expectPayload({ b: 1 }, { b: true })
    expectPayload({ b: 0 }, { b: false })
  })
  it('S17 boolean from other strings fails', () => {
    expectError({ b: 'yes' }, 'B must be a boolean but it was a string.')
    expectError({ b: '1' }, 'B must be a boolean but it was a string.')
  })
  it('S18 null or empty boolean removed', () => {
    expectPayload({ b: null }, {})
    expectPayload({ b: '' }, {})
  })
  it('S19 date-like values are valid and unchanged', () => {
    const values = [
      '2021-07-12T23:02:40.563Z',
      '2021-07-12',
      'July 12, 2021',
      1626130960,
      '1626130960',
      '1626130960563',
      '2021-13-45',
      '12',
    ]
    for (const dt of values) expectPayload({ dt }, { dt })
  })
  it('S20 not a date fails', () =>
    expectError({ dt: 'not a date' }, 'DT must be a valid date-like string but it was not.'))
  it('S21 boolean datetime is coerced to "true" and fails', () =>
    expectError({ dt: true }, 'DT must be a valid date-like string but it was not.'))
  it('S22 object datetime fails on type', () =>
    expectError({ dt: {} }, 'DT must be a string or number but it was an object.'))
  it('S23 empty datetime removed at root', () => expectPayload({ dt: '' }, {}))
  it('S24 free object unchanged', () => expectPayload({ o: { a: 1 } }, { o: { a: 1 } }))
  it('S25 object from string or array fails', () => {
    expectError({ o: 'str' }, 'O must be an object but it was a string.')
    expectError({ o: [1] }, 'O must be an object but it was an array.')
  })
  it('S26 nested properties: extra stripped, nested coerced', () =>
    expectPayload({ op: { k: 'x', m: '5', extra: 1 } }, { op: { k: 'x', m: 5 } }))
  it('S27 nested properties with additionalProperties keep extras', () =>
    expectPayload({ opa: { k: 1, extra: 1 } }, { opa: { k: '1', extra: 1 } }))
  it('S28 multiple string wraps a scalar', () => expectPayload({ ms: 'value' }, { ms: ['value'] }))
  it('S29 multiple string coerces items', () => expectPayload({ ms: ['a', 1] }, { ms: ['a', '1'] }))
  it('S30 multiple object wraps an object', () =>
    expectPayload({ mo: { k: 'Value' } }, { mo: [{ k: 'Value' }] }))
  it('S31 multiple object item missing a required key', () => {
    const input = { mo: { other: 'v' } }
    expectError(input, "The value at /mo/0 is missing the required field 'k'.")
    expect(input).toEqual({ mo: { other: 'v' } })
  })
  it('S32 choices', () => expectError({ en: 'c' }, 'EN must be one of: "a" or "b".'))
  it('S33 allowNull keeps null', () => expectPayload({ sn: null }, { sn: null }))
  it('S34 minimum length', () =>
    expectError({ mm: 'a' }, 'MM must be 2 characters or more but it was 1 character.'))
  it('S35 maximum length', () =>
    expectError({ mm: 'abcde' }, 'MM must be 4 characters or fewer but it was 5 characters.'))
  it('S36 email format', () =>
    expectError({ email: 'nope' }, 'Email must be a valid email address string but it was not.'))
  it('S37 uri format', () =>
    expectError({ uri: 'not a uri' }, 'URI must be a valid URI string but it was not.'))
  it('S38 unknown keys stripped without error', () => expectPayload({ unknown: 'x' }, {}))
  it('S39 required field absent, empty or null', () => {
    const c = compileFields({ user_id: { label: 'User ID', type: 'string', required: true } })
    for (const payload of [{}, { user_id: '' }, { user_id: null }]) {
      const result = c.validate(payload, 'single')
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.message).toBe("The root value is missing the required field 'user_id'.")
    }
  })
})

describe('§6.5 removeEmptyValues', () => {
  it('S40 root values by type', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { foo: { type: 'number' }, bar: { type: 'string' }, baz: { type: 'boolean' } },
    }
    expect(removeEmptyValues({ foo: '', bar: '1', baz: true }, schema, true)).toEqual({ bar: '1', baz: true })
  })
  it('S41 nested empty string and null', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        a: { type: 'object', properties: { b: { type: 'number' }, c: { type: 'null' } } },
      },
    }
    expect(removeEmptyValues({ a: { b: '', c: null } }, schema, true)).toEqual({ a: { c: null } })
  })
  it('S42 object without properties untouched', () => {
    const schema: JsonSchema = { type: 'object', properties: { data: { type: 'object' } } }
    const input = { data: { context: { search: '' } } }
    const out = removeEmptyValues(input, schema, true) as typeof input
    expect(out).toEqual({ data: { context: { search: '' } } })
    expect(out.data).toBe(input.data)
  })
  it('S43 nested empty strings kept', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        product: {
          type: 'object',
          properties: { product_id: { type: 'string' }, name: { type: ['string', 'null'] } },
        },
      },
    }
    const input = { product: { product_id: '', name: '' } }
    expect(removeEmptyValues(input, schema, true)).toEqual(input)
  })
  it('S44 nested nulls by type', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        n: {
          type: 'object',
          properties: {
            s: { type: 'string' },
            sn: { type: ['null', 'string'] },
            o: { type: 'object' },
            on: { type: ['null', 'object'] },
            num: { type: 'number' },
            inn: { type: ['null', 'integer'] },
            b: { type: 'boolean' },
            bn: { type: ['null', 'boolean'] },
          },
        },
      },
    }
    const input = {
      n: { s: null, sn: null, o: null, on: null, num: null, inn: null, b: null, bn: null, free: null },
    }
    expect(removeEmptyValues(input, schema, true)).toEqual({
      n: { sn: null, on: null, inn: null, bn: null, free: null },
    })
  })
  it('S55 array items: null items dropped, surviving objects not cleaned', () => {
    const c = compileFields({
      mo: {
        label: 'MO',
        type: 'object',
        multiple: true,
        properties: { k: { label: 'K', type: 'string' }, n: { label: 'N', type: 'number' } },
      },
      ms: { label: 'MS', type: 'string', multiple: true },
    })
    const input = { mo: [{ k: null, n: '' }, null], ms: ['a', '', null] }
    expect(removeEmptyValues(input, c.schema as JsonSchema, true)).toEqual({
      mo: [{ k: null, n: '' }],
      ms: ['a', ''],
    })
  })
})

describe('§6.5 conditional required', () => {
  it('S45 required if a is a value', () => {
    const fields = defineFields({
      a: { label: 'A', type: 'string' },
      b: {
        label: 'B',
        type: 'string',
        required: { conditions: [{ fieldKey: 'a', operator: 'is', value: 'a_value' }] },
      },
    })
    expect(validity(fields, [{ a: 'a_value' }, { a: 'a_value', b: 'x' }, { a: 'other' }, {}])).toEqual([
      false,
      true,
      true,
      true,
    ])
    const result = compileFields(fields).validate({ a: 'a_value' }, 'single')
    expect(result.ok ? '' : result.message).toBe(
      'The root value is missing the required field \'b\'. The root value must match "then" schema.',
    )
  })
  it('S46 conditions on two fields', () => {
    const fields = defineFields({
      a: { label: 'A', type: 'string', required: true },
      b: {
        label: 'B',
        type: 'string',
        required: { conditions: [{ fieldKey: 'a', operator: 'is', value: 'a_value' }] },
      },
      c: {
        label: 'C',
        type: 'string',
        required: { conditions: [{ fieldKey: 'a', operator: 'is_not', value: 'value' }] },
      },
    })
    expect(
      validity(fields, [
        { a: 'a_value' },
        { a: 'a_value', b: 'x' },
        { a: 'a_value', c: 'x' },
        { a: 'a_value', b: 'x', c: 'y' },
      ]),
    ).toEqual([false, false, false, true])
  })
  it('S47 required if a is undefined', () => {
    const fields = defineFields({
      a: { label: 'A', type: 'string' },
      b: { label: 'B', type: 'string', required: { conditions: [{ fieldKey: 'a', operator: 'is' }] } },
      c: { label: 'C', type: 'string' },
    })
    expect(validity(fields, [{}, { c: 'x' }, { b: 'x' }, { a: 'a' }])).toEqual([false, false, true, true])
  })
  it('S48 is undefined also means null', () => {
    const fields = defineFields({
      a: { label: 'A', type: 'string', allowNull: true },
      b: { label: 'B', type: 'string', required: { conditions: [{ fieldKey: 'a', operator: 'is' }] } },
    })
    expect(validity(fields, [{ a: null }, { a: null, b: 'x' }])).toEqual([false, true])
  })
  it('S49 required if a is not undefined', () => {
    const fields = defineFields({
      a: { label: 'A', type: 'string' },
      b: { label: 'B', type: 'string', required: { conditions: [{ fieldKey: 'a', operator: 'is_not' }] } },
    })
    expect(validity(fields, [{ a: 'a' }, {}, { b: 'x' }])).toEqual([false, true, true])
  })
  it('S50 all of two conditions', () => {
    const fields = defineFields({
      a: { label: 'A', type: 'string' },
      b: { label: 'B', type: 'string' },
      c: {
        label: 'C',
        type: 'string',
        required: {
          conditions: [
            { fieldKey: 'a', operator: 'is' },
            { fieldKey: 'b', operator: 'is' },
          ],
        },
      },
    })
    expect(validity(fields, [{}, { a: 'a' }])).toEqual([false, true])
  })
  it('S51 any of two conditions', () => {
    const fields = defineFields({
      a: { label: 'A', type: 'string' },
      b: { label: 'B', type: 'string' },
      c: {
        label: 'C',
        type: 'string',
        required: {
          match: 'any',
          conditions: [
            { fieldKey: 'a', operator: 'is' },
            { fieldKey: 'b', operator: 'is' },
          ],
        },
      },
    })
    expect(validity(fields, [{ a: 'a' }, { a: 'a', b: 'b' }])).toEqual([false, true])
  })
  it('S52 condition on an object sub-field', () => {
    const fields = defineFields({
      a: { label: 'A', type: 'object', properties: { b: { label: 'B', type: 'string' } } },
      c: {
        label: 'C',
        type: 'string',
        required: { conditions: [{ fieldKey: 'a.b', operator: 'is', value: 'b_value' }] },
      },
    })
    expect(
      validity(fields, [{ a: { b: 'b_value' } }, { a: { b: 'b_value' }, c: 'x' }, { a: { b: 'other' } }, {}]),
    ).toEqual([false, true, true, true])
  })
})

describe('§6.5 bounds', () => {
  it('S53 number minimum and maximum', () => {
    const fields = defineFields({ v: { label: 'V', type: 'number', minimum: 100, maximum: 10000 } })
    expect(validity(fields, [{ v: 158 }, { v: 99 }, { v: 2 ** 53 - 1 }])).toEqual([true, false, false])
    const c = compileFields(fields)
    const low = c.validate({ v: 99 }, 'single')
    expect(low.ok ? '' : low.message).toBe('V must be equal to or greater than 100.')
    const high = c.validate({ v: 2 ** 53 - 1 }, 'single')
    expect(high.ok ? '' : high.message).toBe('V must be equal to or less than 10000.')
  })
  it('S54 string length bounds', () => {
    const fields = defineFields({ v: { label: 'V', type: 'string', minimum: 5, maximum: 10 } })
    expect(
      validity(fields, [{ v: 'a'.repeat(5) }, { v: 'a'.repeat(10) }, { v: 'a' }, { v: 'a'.repeat(100) }]),
    ).toEqual([true, true, false, false])
  })
})
