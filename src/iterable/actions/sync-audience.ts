// "Sync To Iterable Lists" (issue 16 item 2): the facts of `syncAudience` in Segment's "Iterable Lists
// (Actions)" destination (iterable-audiences, @segment/action-destinations 3.497.0; docs/destination.md).
// An Engage audience event says whether its user is in the audience (traits/properties[audience key]):
// members are subscribed to the list, others unsubscribed. The list is the event's external audience id;
// without one it is found (or created) by the audience key's name when it is sent (L4). The audience's
// settings (update existing users only, channel unsubscribe, campaign) come from the event's
// `context.personas.audience_settings`, as Segment reads them.
import { defineFields } from '../../engine/fields/types.js'
import { rejected } from './identifiers.js'
import type { ActionDefinition, JsonObject, PlanContext, PlannedDelivery, PlanRejection } from './types.js'

export const LIST_ROUTES = {
  subscribe: '/api/lists/subscribe',
  unsubscribe: '/api/lists/unsubscribe',
} as const

// The reference's messages, word for word.
export const INVALID_AUDIENCE_ID = 'Invalid or missing Segment Audience ID'
export const MISSING_LIST_USER_ID = 'User ID is required when Iterable Project Type = User ID'
export const MISSING_LIST_IDENTIFIER =
  'Either User ID or Email is required when Iterable Project Type = Hybrid'

export const syncAudienceFields = defineFields({
  email: {
    label: 'Email',
    description: 'Email address of the user',
    type: 'string',
    unsafe_hidden: false,
    required: false,
    default: {
      '@if': {
        exists: { '@path': '$.traits.email' },
        then: { '@path': '$.traits.email' },
        else: { '@path': '$.properties.email' },
      },
    },
  },
  userId: {
    label: 'User ID',
    description: 'User ID',
    type: 'string',
    unsafe_hidden: false,
    required: false,
    default: { '@path': '$.userId' },
  },
  dataFields: {
    label: 'Additional traits or identifiers',
    description:
      'Additional traits or identifiers to sync to Iterable. You will need to ensure these traits or objects are included via Event Settings > Customized Setup.',
    required: false,
    type: 'object',
  },
  traitsOrProperties: {
    label: 'Traits or Properties',
    description: 'Traits or Properties object from the identify() or track() call emitted by Engage',
    type: 'object',
    required: true,
    default: {
      '@if': {
        exists: { '@path': '$.traits' },
        then: { '@path': '$.traits' },
        else: { '@path': '$.properties' },
      },
    },
  },
  segmentAudienceKey: {
    label: 'Segment Audience Key',
    description:
      'Segment Audience Key. Maps to the Iterable List "Name" when the list is created in Iterable.',
    type: 'string',
    required: true,
    default: { '@path': '$.context.personas.computation_key' },
  },
  segmentAudienceId: {
    label: 'Segment External Audience ID',
    description:
      'Segment External Audience ID. Maps to the List ID when the list is created in Iterable. When the event has none, the list named by the audience key is used (created when Iterable has none).',
    type: 'string',
    // Required in the reference; here an event without one finds its list by the audience key (L4).
    required: false,
    // The editor offers the destination's Iterable lists (GET /api/lists) for a fixed list id.
    dynamic: true,
    default: { '@path': '$.context.personas.external_audience_id' },
  },
})

/** The audience's settings as Segment reads them: only values of the right type count. */
function audienceOptions(settings: JsonObject | undefined): {
  updateExistingUsersOnly?: boolean
  channelUnsubscribe?: boolean
  campaignId?: number
} {
  const { updateExistingUsersOnly, globalUnsubscribe, campaignId } = settings ?? {}
  return {
    ...(typeof updateExistingUsersOnly === 'boolean' ? { updateExistingUsersOnly } : {}),
    ...(typeof campaignId === 'number' ? { campaignId } : {}),
    ...(typeof globalUnsubscribe === 'boolean' ? { channelUnsubscribe: globalUnsubscribe } : {}),
  }
}

function plan(payload: JsonObject, context: PlanContext): PlannedDelivery[] | PlanRejection {
  const { email, userId, dataFields, segmentAudienceKey, segmentAudienceId } = payload
  const byName = segmentAudienceId === undefined || segmentAudienceId === ''
  // Number() as the reference: "12" and "1e3" are ids, "aud_1" is not.
  const listId = byName ? undefined : Number(segmentAudienceId)
  if (listId !== undefined && Number.isNaN(listId)) return rejected(INVALID_AUDIENCE_ID)
  const userIdProject = context.settings.projectType === 'userId'
  if (userIdProject && !userId) return rejected(MISSING_LIST_USER_ID)
  if (!email && !userId) return rejected(MISSING_LIST_IDENTIFIER)

  const member = Boolean((payload.traitsOrProperties as JsonObject)[segmentAudienceKey as string])
  const subscriber: JsonObject = { ...(email ? { email } : {}), ...(userId ? { userId } : {}) }
  if (member && userIdProject) subscriber.preferUserId = true
  if (member && dataFields !== undefined && Object.keys(dataFields as JsonObject).length > 0) {
    subscriber.dataFields = dataFields
  }
  const options = audienceOptions(context.audienceSettings)
  const envelope: JsonObject = listId === undefined ? {} : { listId }
  if (member && options.updateExistingUsersOnly !== undefined) {
    envelope.updateExistingUsersOnly = options.updateExistingUsersOnly
  }
  if (!member && options.campaignId !== undefined) envelope.campaignId = options.campaignId
  if (!member && options.channelUnsubscribe !== undefined) {
    envelope.channelUnsubscribe = options.channelUnsubscribe
  }
  const endpoint = member ? LIST_ROUTES.subscribe : LIST_ROUTES.unsubscribe
  const delivery: PlannedDelivery = {
    action: 'syncAudience',
    endpoint,
    item: context.batching ? subscriber : { ...envelope, subscribers: [subscriber] },
  }
  if (byName) delivery.listName = segmentAudienceKey as string
  if (context.batching) {
    // L1: a body goes to one list, so members of different lists never share one.
    const list = byName ? `name:${segmentAudienceKey as string}` : `id:${listId}`
    delivery.bulkEndpoint = endpoint
    delivery.bulkListKey = 'subscribers'
    delivery.bulkEnvelope = envelope
    delivery.batchKey = `syncAudience:${endpoint}:${list}:${JSON.stringify(envelope)}`
  }
  return [delivery]
}

export const syncAudience: ActionDefinition<typeof syncAudienceFields> = {
  key: 'syncAudience',
  title: 'Sync To Iterable Lists',
  description: 'Sync Segment Audience to Iterable Lists',
  defaultSubscription: 'type = "identify" or type = "track"',
  fields: syncAudienceFields,
  bulkEndpoint: LIST_ROUTES.subscribe,
  plan,
}
