import { describe, expect, it } from 'vitest'
import { MappingLimitError, SettingsValidationError } from '../../src/iterable/errors.js'
import { MappingConfigError, type MappingConfig } from '../../src/iterable/mappings.js'
import { compileDestination, routeEvent } from '../../src/iterable/runtime.js'
import { testEvent } from './helpers.js'

const mapping = (name: string, trigger: string, enabled = true): MappingConfig => ({
  name,
  enabled,
  trigger,
  action: 'trackEvent',
  fields: { userId: { '@path': '$.userId' }, eventName: { '@path': '$.event' } },
})

describe('compileDestination / routeEvent', () => {
  it('routes to the enabled matching mappings, in order, with bulk deliveries when batching', () => {
    const destination = compileDestination({
      name: 'd',
      settings: { apiKey: 'k' },
      mappings: [
        mapping('all tracks', 'type = "track"'),
        mapping('disabled', 'type = "track"', false),
        mapping('other', 'event = "Other"'),
        mapping('signed up', 'event = "Signed Up"'),
      ],
    })
    const results = routeEvent(destination, testEvent({ event: 'Signed Up' }), { receivedAt: 0 })
    expect(results.map((r) => r.mapping.name)).toEqual(['all tracks', 'signed up'])
    const first = results[0]
    if (!first.ok) throw new Error(first.error.message)
    expect(first.deliveries[0]).toMatchObject({
      action: 'trackEvent',
      endpoint: '/api/events/track',
      bulkEndpoint: '/api/events/trackBulk',
      bulkListKey: 'events',
      batchKey: 'trackEvent',
      userKey: 'userId:user1234',
    })
  })

  it('rejects bad settings, more than 50 mappings, unknown actions and bad triggers', () => {
    expect(() =>
      compileDestination({ name: 'd', settings: { apiKey: 'k', dataCenterLocation: 'x' }, mappings: [] }),
    ).toThrow(SettingsValidationError)
    const many = Array.from({ length: 51 }, (_, i) => mapping(`m${i}`, 'type = "track"'))
    expect(() => compileDestination({ name: 'd', settings: { apiKey: 'k' }, mappings: many })).toThrow(
      MappingLimitError,
    )
    expect(() =>
      compileDestination({
        name: 'd',
        settings: { apiKey: 'k' },
        mappings: [{ ...mapping('m', 'type = "track"'), action: 'nope' }],
      }),
    ).toThrow(MappingConfigError)
    try {
      compileDestination({ name: 'd', settings: { apiKey: 'k' }, mappings: [mapping('m', 'type = ')] })
      throw new Error('expected a MappingConfigError')
    } catch (error) {
      expect(error).toBeInstanceOf(MappingConfigError)
      expect((error as MappingConfigError).path).toBe('trigger')
      expect((error as MappingConfigError).code).toBe('TRIGGER_SYNTAX')
    }
  })

  it('a mapping runtime failure becomes a per-event error, not a throw', () => {
    const destination = compileDestination({
      name: 'd',
      settings: { apiKey: 'k' },
      mappings: [
        {
          ...mapping('m', 'type = "track"'),
          fields: { userId: { '@path': '$.userId' }, eventName: { '@liquid': 'x'.repeat(1001) } },
        },
      ],
    })
    const results = routeEvent(destination, testEvent())
    expect(results).toHaveLength(1)
    const [result] = results
    if (result.ok) throw new Error('expected an error')
    expect(result.error).toEqual({
      message: 'liquid template values are limited to 1000 characters',
      code: 'MAPPING_RUNTIME',
    })
  })
})

describe('action default subscriptions', () => {
  it('compile, and the reference `==` of cart/purchase matches with D8 (the reference never matched)', async () => {
    const { compileTrigger } = await import('../../src/engine/trigger/index.js')
    const { actions } = await import('../../src/iterable/actions/index.js')
    const cartUpdated = testEvent({ event: 'Cart Updated' })
    const orderCompleted = testEvent({ event: 'Order Completed' })
    expect(compileTrigger(actions.updateCart.defaultSubscription)(cartUpdated)).toBe(true)
    expect(compileTrigger(actions.trackPurchase.defaultSubscription)(orderCompleted)).toBe(true)
    expect(compileTrigger(actions.trackEvent.defaultSubscription)(cartUpdated)).toBe(false)
    expect(compileTrigger(actions.updateUser.defaultSubscription)(testEvent({ type: 'identify' }))).toBe(true)
  })
})
