// Ordering keys (issue 13 item 3) of real plans: every userId and lower-cased email a delivery's
// requests carry, prefixed so the two kinds never collide, without duplicates.
import { describe, expect, it } from 'vitest'
import type { PlannedDelivery } from '../../src/iterable/actions/types.js'
import { orderingKeys } from '../../src/iterable/ordering-keys.js'
import { deliveries, run, testEvent } from './helpers.js'

const identify = (overrides: Record<string, unknown> = {}) => testEvent({ type: 'identify', ...overrides })
const onlyDelivery = (result: ReturnType<typeof run>): PlannedDelivery => {
  const list = deliveries(result)
  expect(list).toHaveLength(1)
  return list[0]
}

describe('orderingKeys', () => {
  it('a custom event with userId and email holds both keys, the userId first, the email lower-cased', () => {
    const event = testEvent({ userId: 'User-1', context: { traits: { email: 'Ann@Example.COM' } } })
    const d = onlyDelivery(run('trackEvent', {}, event, { defaults: true }))
    expect(orderingKeys(d)).toEqual(['u:User-1', 'e:ann@example.com'])
  })

  it('email only: the email key; the same in single and in bulk items', () => {
    const event = testEvent({ userId: null, context: { traits: { email: 'b@example.com' } } })
    const single = onlyDelivery(run('trackEvent', {}, event, { defaults: true }))
    const bulk = onlyDelivery(run('trackEvent', {}, event, { defaults: true, batching: true }))
    expect(bulk.bulkEndpoint).toBe('/api/events/trackBulk')
    expect(orderingKeys(single)).toEqual(['e:b@example.com'])
    expect(orderingKeys(bulk)).toEqual(['e:b@example.com'])
  })

  it('commerce requests name the user in `user`', () => {
    const products = [{ product_id: 'p1', name: 'Mug', price: 10, quantity: 1 }]
    const context = { traits: { email: 'C@example.com' } }
    const cart = onlyDelivery(
      run(
        'updateCart',
        {},
        testEvent({ userId: 'c1', event: 'Cart Updated', properties: { products }, context }),
        {
          defaults: true,
        },
      ),
    )
    const purchase = onlyDelivery(
      run(
        'trackPurchase',
        {},
        testEvent({ userId: null, event: 'Order Completed', properties: { products, total: 10 }, context }),
        {
          defaults: true,
        },
      ),
    )
    expect(cart.item.user).toMatchObject({ userId: 'c1' })
    expect(orderingKeys(cart)).toEqual(['u:c1', 'e:c@example.com'])
    expect(orderingKeys(purchase)).toEqual(['e:c@example.com'])
  })

  it('an email change (updateEmail follow-up) holds the old and the new email, each once', () => {
    const event = identify({ userId: 'u9', traits: { email: 'Old@Example.com' } })
    const d = onlyDelivery(run('updateUser', { newEmail: 'New@Example.com' }, event, { defaults: true }))
    expect(d.followUps?.[0].path).toBe('/api/users/updateEmail')
    expect(orderingKeys(d)).toEqual(['u:u9', 'e:old@example.com', 'e:new@example.com'])
  })

  it('an email change through dataFields.email (userId projects, D9) holds the new email too', () => {
    const event = identify({ userId: 'u7', traits: {} })
    const d = onlyDelivery(
      run('updateUser', { userId: { '@path': '$.userId' }, newEmail: 'next@example.com' }, event, {
        settings: { apiKey: 'k', projectType: 'userId' },
      }),
    )
    expect(d.followUps).toBeUndefined()
    expect(d.item.dataFields).toEqual({ email: 'next@example.com' })
    expect(orderingKeys(d)).toEqual(['u:u7', 'e:next@example.com'])
  })

  it('a userId that looks like an email and that email are two keys; no identifier, no key', () => {
    const both: PlannedDelivery = {
      action: 'trackEvent',
      endpoint: '/api/events/track',
      item: { userId: 'x@example.com', email: 'x@example.com', eventName: 'e' },
    }
    expect(orderingKeys(both)).toEqual(['u:x@example.com', 'e:x@example.com'])
    const none: PlannedDelivery = {
      action: 'trackEvent',
      endpoint: '/api/events/track',
      item: { eventName: 'e' },
    }
    expect(orderingKeys(none)).toEqual([])
    const empty: PlannedDelivery = { ...none, item: { userId: '', email: '', eventName: 'e' } }
    expect(orderingKeys(empty)).toEqual([])
  })
})
