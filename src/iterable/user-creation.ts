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

export function createsUser(delivery: Pick<PlannedDelivery, 'action' | 'endpoint'>): boolean {
  // lists/subscribe creates its unknown members (email-based projects); lists/unsubscribe does not.
  if (delivery.action === 'syncAudience') return delivery.endpoint === LIST_ROUTES.subscribe
  return CREATING_ACTIONS.has(delivery.action)
}
