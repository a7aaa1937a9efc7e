// The routing module: a configuration compiled once, each event → items and failures per receiving
// destination, numbered in mapping order; trigger errors reported; evaluateMapping for test mapping.
import { describe, expect, it } from 'vitest'
import { compileMappingConfig } from '../../src/iterable/mappings.js'
import { validateSettings } from '../../src/iterable/settings.js'
import { evaluateMapping, Routing, type RoutingConfig, type RoutingMapping } from '../../src/routing/index.js'
import { testEvent } from '../iterable/helpers.js'

const RECEIVED_AT = Date.parse('2024-01-02T03:04:05.678Z')

function mapping(
  id: string,
  trigger: string,
  action: string,
  fields: Record<string, unknown>,
): RoutingMapping {
  return { id, name: `name of ${id}`, enabled: true, trigger, action, fields, batching: null }
}

const trackFields = { userId: { '@path': '$.userId' }, eventName: { '@path': '$.event' } }
const userFields = {
  userId: { '@path': '$.userId' },
  email: { '@path': '$.traits.email' },
  dataFields: { '@path': '$.traits' },
}

/** Two receiving destinations (US, EU) and one without an API key. */
function config(): RoutingConfig {
  return {
    destinations: [
      {
        id: 'us',
        name: 'US',
        settings: { dataCenterLocation: 'united_states' },
        receives: true,
        mappings: [
          mapping('us-identify', 'type = "identify"', 'updateUser', userFields),
          mapping('us-all-tracks', 'type = "track"', 'trackEvent', trackFields),
          { ...mapping('us-disabled', 'type = "track"', 'trackEvent', trackFields), enabled: false },
          // Needs an email or userId: an anonymous track fails here.
          mapping('us-signed-up', 'event = "Signed Up"', 'trackEvent', {
            ...trackFields,
            userId: { '@path': '$.properties.accountId' },
          }),
          {
            ...mapping('us-single', 'event = "Signed Up"', 'trackEvent', trackFields),
            batching: { enabled: false },
          },
        ],
      },
      {
        id: 'eu',
        name: 'EU',
        settings: { dataCenterLocation: 'europe', projectType: 'userId' },
        receives: true,
        mappings: [
          {
            ...mapping('eu-tracks', 'type = "track"', 'trackEvent', trackFields),
            batching: { size: 50 },
          },
        ],
      },
      {
        id: 'off',
        name: 'No key',
        settings: {},
        receives: false,
        mappings: [mapping('off-tracks', 'type = "track"', 'trackEvent', trackFields)],
      },
    ],
  }
}

describe('Routing.route', () => {
  it('routes an event to every matching mapping of every receiving destination, numbered in mapping order', () => {
    const routing = Routing.compile(config())
    expect(routing.problems).toEqual([])
    const routed = routing.route(testEvent({ event: 'Signed Up', properties: {} }), {
      receivedAt: RECEIVED_AT,
    })
    expect(routed.map((r) => r.destinationId)).toEqual(['us', 'eu'])

    const [us, eu] = routed
    expect(us.items.map((i) => [i.ordinal, i.mappingId])).toEqual([
      [0, 'us-all-tracks'],
      [2, 'us-single'],
    ])
    expect(us.failures).toEqual([
      {
        mappingId: 'us-signed-up',
        action: 'trackEvent',
        ordinal: 1,
        code: 'PAYLOAD_VALIDATION_FAILED',
        message: 'Must include email or userId.',
      },
    ])
    expect(us.items[0]).toEqual({
      ordinal: 0,
      mappingId: 'us-all-tracks',
      action: 'trackEvent',
      path: '/api/events/track',
      bulk: { path: '/api/events/trackBulk', listKey: 'events', batchKey: 'trackEvent', batchSize: 1000 },
      body: expect.objectContaining({ userId: 'user1234', eventName: 'Signed Up', createdAt: 1704164645 }),
      keys: ['u:user1234'],
    })
    // A mapping that does not batch: a single request, no bulk target.
    expect(us.items[1].bulk).toBeUndefined()
    expect(us.items[1].path).toBe('/api/events/track')

    expect(eu.items).toHaveLength(1)
    expect(eu.failures).toEqual([])
    expect(eu.items[0]).toMatchObject({ ordinal: 0, mappingId: 'eu-tracks', bulk: { batchSize: 50 } })
  })

  it('an identify with an email change carries its follow-up and both emails as keys', () => {
    const routing = Routing.compile({
      destinations: [
        {
          ...config().destinations[0],
          settings: { projectType: 'email' },
          mappings: [
            mapping('id', 'type = "identify"', 'updateUser', {
              ...userFields,
              newEmail: { '@path': '$.traits.newEmail' },
            }),
          ],
        },
      ],
    })
    const [us] = routing.route(
      testEvent({ type: 'identify', traits: { email: 'Old@example.com', newEmail: 'new@example.com' } }),
      { receivedAt: RECEIVED_AT },
    )
    expect(us.items).toHaveLength(1)
    const [item] = us.items
    expect(item.bulk).toMatchObject({
      path: '/api/users/bulkUpdate',
      listKey: 'users',
      batchKey: 'updateUser',
    })
    expect(item.followUps?.map((f) => f.path)).toEqual(['/api/users/updateEmail'])
    expect(item.keys).toEqual(['u:user1234', 'e:old@example.com', 'e:new@example.com'])
  })

  it('a destination that does not receive gets nothing, and destinationId keeps only that destination', () => {
    const routing = Routing.compile(config())
    const event = testEvent()
    expect(routing.destinations.map((d) => d.id)).toEqual(['us', 'eu'])
    expect(routing.route(event, { receivedAt: RECEIVED_AT, destinationId: 'off' })).toEqual([])
    const onlyEu = routing.route(event, { receivedAt: RECEIVED_AT, destinationId: 'eu' })
    expect(onlyEu.map((r) => r.destinationId)).toEqual(['eu'])
    expect(onlyEu).toEqual(
      routing.route(event, { receivedAt: RECEIVED_AT }).filter((r) => r.destinationId === 'eu'),
    )
    // An event no mapping wants causes nothing anywhere.
    expect(routing.route(testEvent({ type: 'page' }), { receivedAt: RECEIVED_AT })).toEqual([])
  })

  it('ordinals are stable: the same event and configuration (also compiled again from JSON) give the same items', () => {
    const event = testEvent({ event: 'Signed Up' })
    const first = Routing.compile(config()).route(event, { receivedAt: RECEIVED_AT })
    const again = Routing.compile(JSON.parse(JSON.stringify(config())) as RoutingConfig).route(event, {
      receivedAt: RECEIVED_AT,
    })
    expect(again).toEqual(first)
    for (const destination of first) {
      const ordinals = [...destination.items, ...destination.failures]
        .map((x) => x.ordinal)
        .sort((a, b) => a - b)
      expect(ordinals).toEqual(ordinals.map((_, i) => i))
    }
    // The routed work is plain JSON data.
    expect(JSON.parse(JSON.stringify(first))).toEqual(first)
  })

  it('batching: false plans single requests even for mappings that batch', () => {
    const [us] = Routing.compile(config()).route(testEvent(), { receivedAt: RECEIVED_AT, batching: false })
    expect(us.items.map((i) => i.bulk)).toEqual([undefined])
  })

  it('reports a trigger that throws as a TRIGGER_ERROR failure, and the other mappings still route', () => {
    const routing = Routing.compile(config())
    const event = testEvent({ event: 'Signed Up' })
    // A trigger reading `event` fails on this event (a getter that throws), `type` still works.
    Object.defineProperty(event, 'event', {
      enumerable: true,
      get() {
        throw new Error('unreadable')
      },
    })
    const [us] = routing.route(event, { receivedAt: RECEIVED_AT, destinationId: 'us' })
    const failures = us.failures.filter((f) => f.code === 'TRIGGER_ERROR')
    expect(failures.map((f) => [f.mappingId, f.ordinal])).toEqual([
      ['us-signed-up', 1],
      ['us-single', 2],
    ])
    expect(failures[0].message).toBe('The trigger failed on this event: unreadable')
    // `type = "track"` matched; its mapping reads `event` too, so it fails in the field mapping.
    expect(us.failures[0]).toMatchObject({ mappingId: 'us-all-tracks', ordinal: 0, code: 'MAPPING_RUNTIME' })
  })

  it('a mapping failing at runtime is a MAPPING_RUNTIME failure, never a throw', () => {
    const routing = Routing.compile({
      destinations: [
        {
          ...config().destinations[0],
          mappings: [
            mapping('liquid', 'type = "track"', 'trackEvent', {
              ...trackFields,
              eventName: { '@liquid': 'x'.repeat(1001) },
            }),
            mapping('fine', 'type = "track"', 'trackEvent', trackFields),
          ],
        },
      ],
    })
    const [us] = routing.route(testEvent(), { receivedAt: RECEIVED_AT })
    expect(us.failures).toEqual([
      {
        mappingId: 'liquid',
        action: 'trackEvent',
        ordinal: 0,
        code: 'MAPPING_RUNTIME',
        message: 'liquid template values are limited to 1000 characters',
      },
    ])
    expect(us.items.map((i) => [i.ordinal, i.mappingId])).toEqual([[1, 'fine']])
  })

  it('mappings and destinations that do not compile are problems; the rest still route', () => {
    const base = config().destinations[0]
    const routing = Routing.compile({
      destinations: [
        { ...base, id: 'bad-region', settings: { dataCenterLocation: 'asia' } },
        {
          ...base,
          mappings: [
            mapping('syntax', 'type = ', 'trackEvent', trackFields),
            mapping('action', 'type = "track"', 'sendSms', trackFields),
            mapping('ok', 'type = "track"', 'trackEvent', trackFields),
          ],
        },
      ],
    })
    expect(routing.problems.map((p) => [p.destinationId, p.mappingId, p.code])).toEqual([
      ['bad-region', null, 'INVALID_SETTINGS'],
      ['us', 'syntax', 'TRIGGER_SYNTAX'],
      ['us', 'action', 'INVALID_MAPPING'],
    ])
    const routed = routing.route(testEvent(), { receivedAt: RECEIVED_AT })
    expect(routed.map((r) => [r.destinationId, r.items.map((i) => i.mappingId)])).toEqual([['us', ['ok']]])
  })
})

describe('Routing.evaluate and evaluateMapping', () => {
  const settings = validateSettings({}, { requireApiKey: false })
  const compiled = compileMappingConfig({
    name: 'Signed up',
    trigger: 'event = "Signed Up"',
    action: 'trackEvent',
    fields: trackFields,
  })

  it('a chosen mapping is evaluated even when its trigger does not match (force): payload, validation, deliveries', () => {
    const event = testEvent({ event: 'Other' })
    expect(evaluateMapping(compiled, event, settings, { receivedAt: RECEIVED_AT }).ran).toBe(false)
    const forced = evaluateMapping(compiled, event, settings, { receivedAt: RECEIVED_AT, force: true })
    expect(forced).toMatchObject({
      matched: false,
      triggerError: null,
      ran: true,
      payload: { userId: 'user1234', eventName: 'Other' },
      validation: { ok: true },
      error: null,
    })
    expect(forced.deliveries.map((d) => d.endpoint)).toEqual(['/api/events/track'])
  })

  it('shows the payload as mapped and why it cannot be sent: the action refuses it, or validation fails', () => {
    const refused = evaluateMapping(compiled, testEvent({ userId: null }), settings, { force: true })
    expect(refused.payload).toEqual({ userId: null, eventName: 'Test Event' })
    expect(refused.validation).toEqual({ ok: true, payload: { eventName: 'Test Event' } })
    expect(refused.error).toEqual({
      code: 'PAYLOAD_VALIDATION_FAILED',
      message: 'Must include email or userId.',
    })
    expect(refused.deliveries).toEqual([])

    const withEmail = compileMappingConfig({
      name: 'with email',
      trigger: 'type = "track"',
      action: 'trackEvent',
      fields: { ...trackFields, email: { '@path': '$.properties.email' } },
    })
    const invalid = evaluateMapping(withEmail, testEvent({ properties: { email: 'nope' } }), settings)
    expect(invalid.matched).toBe(true)
    expect(invalid.payload).toMatchObject({ email: 'nope' })
    expect(invalid.validation?.ok).toBe(false)
    expect(invalid.error?.code).toBe('PAYLOAD_VALIDATION_FAILED')
    expect(invalid.error?.message).toMatch(/email/)
  })

  it('evaluate gives the matching runs per destination with their compiled mapping', () => {
    const routing = Routing.compile(config())
    const evaluated = routing.evaluate(testEvent({ event: 'Signed Up' }), {
      receivedAt: RECEIVED_AT,
      batching: false,
    })
    expect(evaluated.map((d) => [d.destination.id, d.runs.map((r) => r.mapping.name)])).toEqual([
      ['us', ['name of us-all-tracks', 'name of us-signed-up', 'name of us-single']],
      ['eu', ['name of eu-tracks']],
    ])
    expect(evaluated[0].runs[1].evaluation.error?.code).toBe('PAYLOAD_VALIDATION_FAILED')
    const forced = routing.evaluate(testEvent({ type: 'page' }), { destinationId: 'us', force: true })
    expect(forced[0].runs.map((r) => [r.mappingId, r.evaluation.matched])).toEqual([
      ['us-identify', false],
      ['us-all-tracks', false],
      ['us-signed-up', false],
      ['us-single', false],
    ])
  })
})
