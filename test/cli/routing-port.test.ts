// The RoutingPort serve hands delivery, over the routing module: a revision's text from the store's
// destinations and mappings (no secrets, stable), which destinations receive (even with nothing to
// route), and items and refusals numbered densely per event and destination (delivery's item
// identity is (eventId, ordinal)) with routing's u:/e: ordering keys.
import { describe, expect, it } from 'vitest'
import { routingPort } from '../../src/cli/serve/routing-port.js'
import type { Destination, Mapping } from '../../src/store/types.js'
import { testEvent } from '../iterable/helpers.js'

const RECEIVED_AT = Date.parse('2024-01-02T03:04:05.678Z')

function destination(id: string, overrides: Partial<Destination> = {}): Destination {
  return {
    id,
    name: `destination ${id}`,
    kind: 'iterable',
    settings: { dataCenterLocation: 'united_states' },
    hasApiKey: true,
    enabled: true,
    paused: null,
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  }
}

let position = 0
function mapping(
  destinationId: string,
  id: string,
  trigger: string,
  fields: Record<string, unknown>,
): Mapping {
  return {
    id,
    destinationId,
    name: `mapping ${id}`,
    enabled: true,
    trigger,
    action: 'trackEvent',
    fields,
    batching: null,
    position: position++,
    createdAt: 0,
    updatedAt: 0,
  }
}

const track = { userId: { '@path': '$.userId' }, email: { '@path': '$.properties.email' } }
const named = { ...track, eventName: { '@path': '$.event' } }

describe('serve’s RoutingPort over Routing', () => {
  it('a revision is the routing configuration without secrets, the same text for the same configuration', () => {
    const destinations = [
      destination('a', { settings: { dataCenterLocation: 'europe', apiKey: 'never-in-a-revision' } }),
    ]
    const mappings = [mapping('a', 'm1', 'type = "track"', named)]
    const text = routingPort.configOf(destinations, mappings, new Set(['a']))
    expect(text).not.toContain('never-in-a-revision')
    expect(JSON.parse(text)).toEqual({
      destinations: [
        {
          id: 'a',
          name: 'destination a',
          settings: { dataCenterLocation: 'europe' },
          receives: true,
          mappings: [
            {
              id: 'm1',
              name: 'mapping m1',
              enabled: true,
              trigger: 'type = "track"',
              action: 'trackEvent',
              fields: named,
              batching: null,
            },
          ],
        },
      ],
    })
    expect(routingPort.configOf(destinations, mappings, new Set(['a']))).toBe(text)
  })

  it('receives: enabled with a key and valid settings, even when no mapping produces anything', () => {
    const destinations = [
      destination('no-mappings'),
      destination('only-disabled'),
      destination('disabled', { enabled: false }),
      destination('no-key'),
      destination('bad-settings', { settings: { dataCenterLocation: 'mars' } }),
    ]
    const mappings = [
      { ...mapping('only-disabled', 'x', 'type = "track"', named), enabled: false },
      mapping('disabled', 'y', 'type = "track"', named),
      mapping('no-key', 'z', 'type = "track"', named),
    ]
    const keyed = new Set(['no-mappings', 'only-disabled', 'disabled', 'bad-settings'])
    const compiled = routingPort.compile(routingPort.configOf(destinations, mappings, keyed))
    expect(destinations.filter((d) => compiled.receives(d.id)).map((d) => d.id)).toEqual([
      'no-mappings',
      'only-disabled',
    ])
    expect(compiled.problems.map((p) => [p.destinationId, p.mappingId])).toEqual([['bad-settings', null]])
    const event = testEvent({ userId: 'u1' })
    for (const d of destinations)
      expect(compiled.route(event, d.id, RECEIVED_AT)).toEqual({ items: [], refusals: [] })
    expect(compiled.route(event, 'unknown', RECEIVED_AT)).toEqual({ items: [], refusals: [] })
  })

  it('items and refusals share dense ordinals in mapping order, the same when compiled again', () => {
    const mappings = [
      mapping('a', 'first', 'type = "track"', named),
      // No eventName: refused by validation.
      mapping('a', 'refused', 'type = "track"', track),
      mapping('a', 'never', 'type = "identify"', named),
      // Reads properties.boom, which throws on this event: a TRIGGER_ERROR refusal.
      mapping('a', 'throws', 'properties.boom = "x"', named),
      mapping('a', 'last', 'type = "track"', named),
    ]
    const text = routingPort.configOf([destination('a')], mappings, new Set(['a']))
    const event = testEvent({ userId: 'U-1', event: 'Viewed', properties: { email: 'Ann@Example.com' } })
    Object.defineProperty((event as { properties: object }).properties, 'boom', {
      enumerable: false,
      get() {
        throw new Error('unreadable')
      },
    })
    const route = () => routingPort.compile(text).route(event, 'a', RECEIVED_AT)
    const { items, refusals } = route()
    expect(items.map((i) => [i.ordinal, i.mappingId])).toEqual([
      [0, 'first'],
      [3, 'last'],
    ])
    expect(refusals.map((r) => [r.ordinal, r.mappingId, r.code])).toEqual([
      [1, 'refused', 'PAYLOAD_VALIDATION_FAILED'],
      [2, 'throws', 'TRIGGER_ERROR'],
    ])
    expect(items[0].keys).toEqual(['u:U-1', 'e:ann@example.com'])
    expect(route()).toEqual({ items, refusals })
  })
})
