import { mergeUsers } from './merge-users.js'
import { registerDeviceToken } from './register-device-token.js'
import { syncAudience } from './sync-audience.js'
import { trackEvent } from './track-event.js'
import { trackPurchase } from './track-purchase.js'
import type { ActionDefinition, ActionKey } from './types.js'
import { updateCart } from './update-cart.js'
import { updateSubscriptions } from './update-subscriptions.js'
import { updateUser } from './update-user.js'

export {
  mergeUsers,
  registerDeviceToken,
  syncAudience,
  trackEvent,
  trackPurchase,
  updateCart,
  updateSubscriptions,
  updateUser,
}
export type * from './types.js'

export const actions: Readonly<Record<ActionKey, ActionDefinition>> = {
  updateUser,
  trackEvent,
  updateCart,
  trackPurchase,
  updateSubscriptions,
  registerDeviceToken,
  mergeUsers,
  syncAudience,
}

export function isActionKey(value: unknown): value is ActionKey {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(actions, value)
}
