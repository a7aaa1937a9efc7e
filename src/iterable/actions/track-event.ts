// "Custom Event" (reference §3.2, §4.6) with D1 (no enable_batching/batch_size in bodies), D5, D6.
import { defineFields } from '../../engine/fields/types.js'
import { ENDPOINTS } from '../regions.js'
import {
  BATCH_SIZE_FIELD,
  CAMPAIGN_ID_FIELD,
  CREATED_AT_FIELD,
  EMAIL_FIELD,
  ENABLE_BATCHING_FIELD,
  EVENT_DATA_FIELDS,
  TEMPLATE_ID_FIELD,
  USER_ID_FIELD,
} from '../shared-fields.js'
import { toUnixSeconds } from '../transforms/created-at.js'
import { convertDatesInObject } from '../transforms/dates.js'
import { checkIdentifiers } from './identifiers.js'
import type { ActionDefinition, JsonObject, PlanContext, PlannedDelivery, PlanRejection } from './types.js'

export const trackEventFields = defineFields({
  email: EMAIL_FIELD,
  userId: USER_ID_FIELD,
  eventName: {
    label: 'Event name',
    description: 'Name of the event',
    type: 'string',
    required: true,
    default: { '@path': '$.event' },
  },
  dataFields: EVENT_DATA_FIELDS,
  id: {
    label: 'Event ID',
    description: 'A unique ID. If an event exists with that id, the event will be updated',
    type: 'string',
    required: false,
    default: { '@path': '$.messageId' },
  },
  createdAt: CREATED_AT_FIELD,
  campaignId: CAMPAIGN_ID_FIELD,
  templateId: TEMPLATE_ID_FIELD,
  enable_batching: ENABLE_BATCHING_FIELD,
  batch_size: BATCH_SIZE_FIELD,
})

function plan(payload: JsonObject, context: PlanContext): PlannedDelivery[] | PlanRejection {
  const { email, userId } = payload
  const rejection = checkIdentifiers(email, userId, context.settings.projectType)
  if (rejection) return rejection
  const event: JsonObject = {}
  for (const key in payload) {
    if (key !== 'enable_batching' && key !== 'batch_size') event[key] = payload[key]
  }
  const dataFields = payload.dataFields as JsonObject | undefined
  event.dataFields = dataFields ? convertDatesInObject(dataFields) : {}
  event.createdAt = toUnixSeconds(payload.createdAt, context.receivedAtMs)
  const delivery: PlannedDelivery = { action: 'trackEvent', endpoint: ENDPOINTS.trackEvent, item: event }
  if (context.batching) {
    delivery.bulkEndpoint = ENDPOINTS.bulkTrackEvent
    delivery.bulkListKey = 'events'
    delivery.batchKey = 'trackEvent'
  }
  return [delivery]
}

export const trackEvent: ActionDefinition<typeof trackEventFields> = {
  key: 'trackEvent',
  title: 'Custom Event',
  description: 'Track a custom event to a user profile',
  defaultSubscription: 'type = "track" and event != "Order Completed" and event != "Cart Updated"',
  fields: trackEventFields,
  bulkEndpoint: ENDPOINTS.bulkTrackEvent,
  plan,
}
