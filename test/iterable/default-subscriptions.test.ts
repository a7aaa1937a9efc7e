import { describe, expect, it } from 'vitest'
import { compileTrigger } from '../../src/engine/trigger/index.js'
import { actions } from '../../src/iterable/actions/index.js'
import { testEvent } from './helpers.js'

describe('action default subscriptions', () => {
  it('compile, and the reference `==` of cart/purchase matches with D8 (the reference never matched)', () => {
    const cartUpdated = testEvent({ event: 'Cart Updated' })
    const orderCompleted = testEvent({ event: 'Order Completed' })
    expect(compileTrigger(actions.updateCart.defaultSubscription)(cartUpdated)).toBe(true)
    expect(compileTrigger(actions.trackPurchase.defaultSubscription)(orderCompleted)).toBe(true)
    expect(compileTrigger(actions.trackEvent.defaultSubscription)(cartUpdated)).toBe(false)
    expect(compileTrigger(actions.updateUser.defaultSubscription)(testEvent({ type: 'identify' }))).toBe(true)
  })
})
