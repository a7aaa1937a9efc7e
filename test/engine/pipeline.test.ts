// The subscription pipeline (trigger → mapping → fields), reference vectors §6.6 that apply to it.
// Adapted: the reference's result entries (`Mappings resolved`, …) and multistatus belong to the
// destination runtime; here each vector checks `matches` and `payload` per event.
import { describe, expect, it } from 'vitest'
import { compileSubscription } from '../../src/engine/action.js'
import { defineFields } from '../../src/engine/fields/index.js'
import { MappingValidationError } from '../../src/engine/mapping/index.js'
import type { PayloadResult } from '../../src/engine/action.js'

const FIELDS = defineFields({
  user_id: { label: 'User ID', type: 'string', required: true },
  n: { label: 'N', type: 'number' },
  s: { label: 'S', type: 'string' },
  when: { label: 'When', type: 'datetime' },
})

const MAPPING = {
  user_id: { '@path': '$.userId' },
  n: { '@path': '$.properties.n' },
  s: { '@path': '$.properties.s' },
  when: { '@path': '$.properties.when' },
}

const subscription = compileSubscription({ trigger: 'type = "track"', mapping: MAPPING, fields: FIELDS })

function messageOf(result: PayloadResult<unknown>): string {
  return result.ok ? 'valid' : result.message
}

describe('§6.6 pipeline vectors', () => {
  it('P01 single event: root "" removed, unknown key stripped, number coerced', () => {
    const s = compileSubscription({
      trigger: 'type = "track"',
      mapping: { ...MAPPING, extra: 'x' },
      fields: FIELDS,
    })
    const event = { type: 'track', userId: 'u1', properties: { n: '5', s: '' } }
    expect(s.matches(event)).toBe(true)
    expect(s.payload(event, 'single')).toEqual({ ok: true, payload: { user_id: 'u1', n: 5 } })
  })

  it('P02 event without userId: required field missing', () => {
    const event = { type: 'track', properties: {} }
    expect(subscription.matches(event)).toBe(true)
    const result = subscription.payload(event, 'single')
    expect(result).toMatchObject({
      ok: false,
      reason: 'validation',
      message: "The root value is missing the required field 'user_id'.",
    })
    if (!result.ok)
      expect(result.errors).toEqual([{ path: '', keyword: 'required', message: result.message }])
  })

  it('P03 (adapted) an identify event does not match', () => {
    expect(subscription.matches({ type: 'identify', userId: 'u1' })).toBe(false)
  })

  it('P06 an invalid mapping is rejected when the subscription is compiled', () => {
    const compile = () =>
      compileSubscription({ trigger: 'type = "track"', mapping: { user_id: { '@oops': 1 } }, fields: FIELDS })
    expect(compile).toThrow(MappingValidationError)
    expect(compile).toThrow('/user_id has an invalid directive: @oops.')
  })

  it('P08 batch mode, per event: matches and payload results', () => {
    const events = [
      { type: 'track', userId: 'u1', properties: { s: '' } },
      { type: 'identify', userId: 'u2' },
      { type: 'track', properties: {} },
      { type: 'track', userId: 'u4', properties: { n: 'abc' } },
    ]
    expect(events.map((event) => subscription.matches(event))).toEqual([true, false, true, true])
    const results = events
      .filter((event) => subscription.matches(event))
      .map((e) => subscription.payload(e, 'batch'))
    expect(results[0]).toEqual({ ok: true, payload: { user_id: 'u1', s: '' } }) // root "" kept in batch mode
    expect(messageOf(results[1])).toBe("The root value is missing the required field 'user_id'.")
    expect(messageOf(results[2])).toBe('N must be a number but it was a string.')
  })

  it('P12 batch mode: a "" datetime fails (single mode removes it)', () => {
    const event = { type: 'track', userId: 'u1', properties: { when: '' } }
    expect(messageOf(subscription.payload(event, 'batch'))).toBe(
      'When must be a valid date-like string but it was not.',
    )
    expect(subscription.payload(event, 'single')).toEqual({ ok: true, payload: { user_id: 'u1' } })
  })

  it('P13 two track events in batch mode', () => {
    const s = compileSubscription({
      trigger: 'type = "track"',
      mapping: { user_id: { '@path': '$.userId' } },
      fields: FIELDS,
    })
    const events = [
      { type: 'track', userId: 'user_123' },
      { type: 'track', userId: 'user_456' },
    ]
    expect(events.map((event) => s.payload(event, 'batch'))).toEqual([
      { ok: true, payload: { user_id: 'user_123' } },
      { ok: true, payload: { user_id: 'user_456' } },
    ])
  })

  it('P16 (adapted) an action without fields keeps reserved keys in its payload', () => {
    const s = compileSubscription({
      trigger: 'type = "track"',
      mapping: { __segment_internal_sync_mode: 'add' },
      fields: {},
    })
    expect(s.payload({ type: 'track' }, 'batch')).toEqual({
      ok: true,
      payload: { __segment_internal_sync_mode: 'add' },
    })
  })

  it('P17 an optional number field mapped to "" is removed', () => {
    const s = compileSubscription({
      trigger: 'type = "track"',
      mapping: { optional_field: '' },
      fields: { optional_field: { label: 'Optional', type: 'number' } },
    })
    expect(s.payload({ type: 'track' }, 'single')).toEqual({ ok: true, payload: {} })
    expect(s.payload({ type: 'track' }, 'batch')).toEqual({ ok: true, payload: {} })
  })
})

describe('pipeline behaviour', () => {
  it('never mutates the event, though the mapping returns its objects and fields coerce them', () => {
    const fields = defineFields({
      item: {
        label: 'Item',
        type: 'object',
        properties: { price: { label: 'Price', type: 'number' }, qty: { label: 'Qty', type: 'integer' } },
      },
      items: {
        label: 'Items',
        type: 'object',
        multiple: true,
        properties: { price: { label: 'Price', type: 'number' } },
      },
      dataFields: { label: 'Data', type: 'object' },
    })
    const s = compileSubscription({
      trigger: 'type = "track"',
      mapping: {
        item: { '@path': '$.properties.item' },
        items: { '@path': '$.properties.products' },
        dataFields: { '@path': '$.properties' },
      },
      fields,
    })
    const event = {
      type: 'track',
      properties: { item: { price: '1.5', qty: '2', sku: 'x' }, products: [{ price: '3', name: 'n' }] },
    }
    const before = structuredClone(event)
    const result = s.payload(event, 'single')
    expect(result).toEqual({
      ok: true,
      payload: {
        item: { price: 1.5, qty: 2 },
        items: [{ price: 3 }],
        dataFields: before.properties,
      },
    })
    expect(event).toEqual(before)
    if (result.ok) expect(result.payload.dataFields).toBe(event.properties)
  })

  it('reports a mapping run-time failure without throwing', () => {
    const result = subscription.payload([1, 2], 'single')
    expect(result).toEqual({
      ok: false,
      reason: 'mapping',
      message: 'data must be an object, got array',
      errors: [],
    })
  })

  it('rejects an invalid trigger when compiled', () => {
    expect(() => compileSubscription({ trigger: 'type = ', mapping: {}, fields: FIELDS })).toThrow()
  })
})
