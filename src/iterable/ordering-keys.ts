// The keys under which a delivery's requests are ordered (issue 13 item 3): every userId and every
// lower-cased email its requests carry. A request naming a user both ways holds both keys; an email
// change holds the old and the new email. The body shapes are Iterable's, so they are read here.
import { EMAIL_KEY, USER_ID_KEY } from '../util/forgotten-set.js'
import type { JsonObject, PlannedDelivery } from './actions/types.js'

// Prefixes keep a userId and an email from ever being the same key (`u:ann`, `e:ann@example.com`);
// forgotten users are hashed from keys spelt the same way (util/forgotten-set.ts).
export { EMAIL_KEY, USER_ID_KEY }

function addUserId(keys: string[], value: unknown): void {
  if (typeof value !== 'string' || value === '') return
  const key = USER_ID_KEY + value
  if (!keys.includes(key)) keys.push(key)
}

function addEmail(keys: string[], value: unknown): void {
  if (typeof value !== 'string' || value === '') return
  const key = EMAIL_KEY + value.toLowerCase()
  if (!keys.includes(key)) keys.push(key)
}

function objectAt(body: JsonObject, key: string): JsonObject | undefined {
  const value = body[key]
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined
}

/**
 * The ordering keys of a delivery, without duplicates; the main request's userId, else its email,
 * comes first. Delivery orders a user's items under every key they hold.
 */
export function orderingKeys(delivery: PlannedDelivery): string[] {
  const keys: string[] = []
  const body = delivery.item
  // Commerce bodies name the user in `user`; user updates and custom events at the top level.
  // A list call sent on its own names its one member in `subscribers`.
  const user =
    delivery.action === 'updateCart' || delivery.action === 'trackPurchase'
      ? objectAt(body, 'user')
      : delivery.action === 'syncAudience' && Array.isArray(body.subscribers)
        ? (body.subscribers[0] as JsonObject | undefined)
        : body
  if (user !== undefined) {
    addUserId(keys, user.userId)
    addEmail(keys, user.email)
  }
  // A user update may set a new email in dataFields (D9: userId and hybrid projects): the user is
  // then also known by that email.
  if (delivery.action === 'updateUser') addEmail(keys, objectAt(body, 'dataFields')?.email)
  // A merge names two users: the source's earlier items go before it, the destination's too.
  if (delivery.action === 'mergeUsers') {
    addUserId(keys, body.sourceUserId)
    addEmail(keys, body.sourceEmail)
    addUserId(keys, body.destinationUserId)
    addEmail(keys, body.destinationEmail)
  }
  for (const followUp of delivery.followUps ?? []) {
    // updateEmail: the user as known before, and the new email.
    addUserId(keys, followUp.body.currentUserId)
    addEmail(keys, followUp.body.currentEmail)
    addEmail(keys, followUp.body.newEmail)
  }
  return keys
}
