// "Cart Updates" (reference §3.3, §4.7): single requests only.
import { defineFields } from '../../engine/fields/types.js'
import { ENDPOINTS } from '../regions.js'
import { ITEMS_FIELD } from '../shared-fields.js'
import { transformItems } from '../transforms/items.js'
import { buildCommerceUser, CART_USER_FIELD } from './commerce-user.js'
import { checkIdentifiers } from './identifiers.js'
import type { ActionDefinition, JsonObject, PlanContext, PlannedDelivery, PlanRejection } from './types.js'

export const updateCartFields = defineFields({
  user: CART_USER_FIELD,
  items: ITEMS_FIELD,
})

function plan(payload: JsonObject, context: PlanContext): PlannedDelivery[] | PlanRejection {
  const user = payload.user as JsonObject
  const rejection = checkIdentifiers(user.email, user.userId, context.settings.projectType)
  if (rejection) return rejection
  const body: JsonObject = {
    user: buildCommerceUser(user),
    items: transformItems(payload.items as JsonObject[]),
  }
  const delivery: PlannedDelivery = { action: 'updateCart', endpoint: ENDPOINTS.updateCart, item: body }
  return [delivery]
}

export const updateCart: ActionDefinition<typeof updateCartFields> = {
  key: 'updateCart',
  title: 'Cart Updates',
  description: 'Updates the shoppingCartItems field on the user profile.',
  // The reference's text; its parser read `==` as `= "="` (never matched), D8 reads it as `=`.
  defaultSubscription: 'type = "track" and event == "Cart Updated"',
  fields: updateCartFields,
  plan,
}
