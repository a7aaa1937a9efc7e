// The subscription pipeline (trigger → mapping → fields), reference vectors §6.6 P01–P17.
// Adapted: the reference's result entries (`Mappings resolved`, …) and multistatus belong to the
// destination runtime; here each vector checks `matches` and `payload` per event. Vectors that test
// something else here, each with its reason:
//   P03, P14 — "not subscribed" entries are the runtime's; here `matches` is false.
//   P04, P05 — deliberate fix D8: a malformed or empty trigger is a syntax error when compiled.
//   P07, P11 — the engine has no perform/performBatch; an error it did not raise propagates unchanged.
//   P09, P10 — per-event outcomes come from Iterable's answer (D7), classified by src/iterable/client.
//   P15 — settings are checked by src/iterable/settings.ts; here the engine's field validation of them.
//   P16 — no sync modes in the engine; reserved keys of a field-less action stay in the payload.
import { describe, expect, it } from 'vitest'
import { compileSubscription } from '../../src/engine/action.js'
import { compileFields, defineFields, PayloadValidationError } from '../../src/engine/fields/index.js'
import { MappingValidationError } from '../../src/engine/mapping/index.js'
import { TriggerSyntaxError } from '../../src/engine/trigger/index.js'
import { classifyResponse } from '../../src/iterable/client/index.js'
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

  it('P04 (D8) an unknown bare word is a syntax error, not an "Invalid subscription" entry per event', () => {
    // compatibility.md D8: the reference accepts the bare word and fails each event at evaluation.
    const compile = () => compileSubscription({ trigger: 'typo', mapping: MAPPING, fields: FIELDS })
    expect(compile).toThrow(TriggerSyntaxError)
    expect(compile).toThrow('Unexpected "typo" at line 1, column 1: expected a field name')
  })

  it('P05 (D8) an empty trigger is a syntax error, not "Failed to validate subscription" per event', () => {
    // compatibility.md D8: the reference accepts "" and fails each event at evaluation.
    const compile = () => compileSubscription({ trigger: '', mapping: MAPPING, fields: FIELDS })
    expect(compile).toThrow(TriggerSyntaxError)
    expect(compile).toThrow('Unexpected end of trigger at line 1, column 1')
  })

  it('P06 an invalid mapping is rejected when the subscription is compiled', () => {
    const compile = () =>
      compileSubscription({ trigger: 'type = "track"', mapping: { user_id: { '@oops': 1 } }, fields: FIELDS })
    expect(compile).toThrow(MappingValidationError)
    expect(compile).toThrow('/user_id has an invalid directive: @oops.')
  })

  it('P07 (adapted: no perform) an error raised while building a payload propagates unchanged', () => {
    // Not applicable: no perform; the reference's IntegrationError("bad","BAD",422) comes from the event.
    const integrationError = Object.assign(new Error('bad'), { status: 422, code: 'BAD' })
    const event = {
      type: 'track',
      get userId(): string {
        throw integrationError
      },
    }
    expect(subscription.matches(event)).toBe(true)
    let thrown: unknown
    try {
      subscription.payload(event, 'single')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBe(integrationError)
    expect(thrown).toMatchObject({ message: 'bad', status: 422, code: 'BAD' })
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

  it('P09 (adapted: D7) a 201 with body "ok" is a success; the other events fail as in P08', () => {
    // Not applicable: no performBatch/multistatus; per-event outcomes come from Iterable's answer (D7).
    expect(classifyResponse(201, 'ok', {}, 0)).toMatchObject({
      kind: 'success',
      policy: 'deliver',
      status: 201,
    })
    const invalid = [
      { type: 'track', properties: {} },
      { type: 'track', userId: 'u4', properties: { n: 'abc' } },
    ]
    expect(invalid.map((event) => messageOf(subscription.payload(event, 'batch')))).toEqual([
      "The root value is missing the required field 'user_id'.",
      'N must be a number but it was a string.',
    ])
  })

  it("P10 (adapted: D7) per-event errors 429 and 400 get the reference's error types", () => {
    // Not applicable: no multistatus; per-event errors are Iterable's answers, classified by status (D7).
    expect(classifyResponse(429, { msg: 'slow' }, {}, 0)).toMatchObject({
      kind: 'retryable',
      policy: 'retry',
      status: 429,
      errorCode: 'TOO_MANY_REQUESTS',
      iterableMsg: 'slow',
    })
    expect(classifyResponse(400, 'b', {}, 0)).toMatchObject({
      kind: 'permanent',
      policy: 'drop',
      status: 400,
      errorCode: 'BAD_REQUEST',
      message: 'Iterable answered 400 BAD_REQUEST: b',
    })
  })

  it('P11 (adapted: no performBatch) in batch mode a foreign error propagates, not a per-event result', () => {
    // Not applicable: the engine has no performBatch; an error it did not raise is not swallowed.
    const failure = Object.assign(new Error('batch failed'), { status: 500, code: 'BATCH' })
    const event = {
      type: 'track',
      properties: {
        get n(): number {
          throw failure
        },
      },
    }
    expect(() => subscription.payload(event, 'batch')).toThrow(failure)
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

  it('P14 (adapted) only unsubscribed and invalid events: nothing to send', () => {
    // "not subscribed" entries belong to the runtime; here `matches` is false and no payload is valid.
    const s = compileSubscription({
      trigger: 'type = "track"',
      mapping: { user_id: { '@path': '$.userId' } },
      fields: FIELDS,
    })
    const events = [{ type: 'identify', userId: 'u1' }, { type: 'track' }]
    expect(events.map((event) => s.matches(event))).toEqual([false, true])
    const result = s.payload(events[1], 'batch')
    expect(messageOf(result)).toBe("The root value is missing the required field 'user_id'.")
    const sendable = events.filter((event) => s.matches(event) && s.payload(event, 'batch').ok)
    expect(sendable).toEqual([])
  })

  it("P15 (adapted) settings missing a required auth field fail with the reference's message", () => {
    // Not applicable: Iterable settings are checked by src/iterable/settings.ts, not the engine pipeline.
    const settings = compileFields({
      apiSecret: { label: 'API Secret', type: 'string', required: true },
      region: { label: 'Region', type: 'string' },
    })
    const parse = () => settings.parse({ region: 'eu' }, 'single')
    expect(parse).toThrow(PayloadValidationError)
    expect(parse).toThrow("The root value is missing the required field 'apiSecret'.")
    expect(settings.parse({ apiSecret: 's', region: 'eu' }, 'single')).toEqual({
      apiSecret: 's',
      region: 'eu',
    })
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
