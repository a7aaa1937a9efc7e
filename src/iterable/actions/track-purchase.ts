// "Track Purchase" (reference §3.4, §4.8) with D5 and D13: single requests only.
import { defineFields } from '../../engine/fields/types.js'
import { ENDPOINTS } from '../regions.js'
import {
  CAMPAIGN_ID_FIELD,
  CREATED_AT_FIELD,
  EVENT_DATA_FIELDS,
  ITEMS_FIELD,
  TEMPLATE_ID_FIELD,
} from '../shared-fields.js'
import { toUnixSeconds } from '../transforms/created-at.js'
import { convertDatesInObject } from '../transforms/dates.js'
import { transformItems } from '../transforms/items.js'
import { buildCommerceUser, PURCHASE_USER_FIELD } from './commerce-user.js'
import { checkIdentifiers } from './identifiers.js'
import type { ActionDefinition, JsonObject, PlanContext, PlannedDelivery, PlanRejection } from './types.js'

export const trackPurchaseFields = defineFields({
  id: {
    label: 'Order ID',
    description:
      'Similar to Event ID. Iterable recommends using `order_id` or `messageId`. If a purchase with this id exists, it is updated. When none is given, the Segment messageId is used, so a re-sent purchase is never counted twice.',
    type: 'string',
    required: false,
    default: { '@path': '$.properties.order_id' },
  },
  user: PURCHASE_USER_FIELD,
  dataFields: EVENT_DATA_FIELDS,
  items: ITEMS_FIELD,
  total: {
    label: 'Total',
    description: 'Total order amount.',
    type: 'number',
    required: true,
    default: { '@path': '$.properties.total' },
  },
  createdAt: CREATED_AT_FIELD,
  campaignId: CAMPAIGN_ID_FIELD,
  templateId: TEMPLATE_ID_FIELD,
})

function eventDataFields(mapped: JsonObject | undefined): JsonObject {
  if (!mapped) return {}
  if (!Object.prototype.hasOwnProperty.call(mapped, 'products')) return convertDatesInObject(mapped)
  // The product list is sent as `items`; the reference removes it here to avoid sending it twice.
  // Object rest builds the copy without `delete` (which would leave a slow dictionary-mode object).
  const { products: _products, ...fields } = mapped
  return convertDatesInObject(fields)
}

function plan(payload: JsonObject, context: PlanContext): PlannedDelivery[] | PlanRejection {
  const user = payload.user as JsonObject
  const rejection = checkIdentifiers(user.email, user.userId, context.settings.projectType)
  if (rejection) return rejection
  const body: JsonObject = { ...payload }
  if (!body.id && context.messageId) body.id = context.messageId // D13
  body.user = buildCommerceUser(user)
  body.items = transformItems(payload.items as JsonObject[])
  body.createdAt = toUnixSeconds(payload.createdAt, context.receivedAtMs)
  body.dataFields = eventDataFields(payload.dataFields as JsonObject | undefined)
  const delivery: PlannedDelivery = { action: 'trackPurchase', endpoint: ENDPOINTS.trackPurchase, item: body }
  return [delivery]
}

export const trackPurchase: ActionDefinition<typeof trackPurchaseFields> = {
  key: 'trackPurchase',
  title: 'Track Purchase',
  description: 'Tracks a purchase to Iterable',
  // The reference's text; its parser read `==` as `= "="` (never matched), D8 reads it as `=`.
  defaultSubscription: 'type = "track" and event == "Order Completed"',
  fields: trackPurchaseFields,
  plan,
}
