// Which of Iterable's requests create a user they do not know (iterable-api.md §6): user updates
// and commerce calls do; custom events do not — an unknown email gets `notFound` until an identify
// (or a purchase) creates it. The subscription calls create users too (iterable-api.md §6). Delivery lets such a request pass a user's item that waits for it.
import { LIST_ROUTES } from './actions/sync-audience.js'
import type { PlannedDelivery } from './actions/types.js'

const CREATING_ACTIONS: ReadonlySet<string> = new Set([
  'updateUser',
  'updateCart',
  'trackPurchase',
  'updateSubscriptions',
  'registerDeviceToken',
])

export function createsUser(
  delivery: Pick<PlannedDelivery, 'action' | 'endpoint' | 'item' | 'bulkEnvelope'>,
): boolean {
  // lists/subscribe creates its unknown members unless told to update existing users only (which
  // userID-based and hybrid projects honour); lists/unsubscribe never does.
  if (delivery.action === 'syncAudience') {
    const existingOnly = (delivery.bulkEnvelope ?? delivery.item).updateExistingUsersOnly === true
    return delivery.endpoint === LIST_ROUTES.subscribe && !existingOnly
  }
  return CREATING_ACTIONS.has(delivery.action)
}
