// "Update Subscriptions" (issue 16 item 1): the facts of Segment's beta action (docs/destination.md
// names the source commit). Each subscription item is its own delivery: single mode PATCH (subscribe)
// or DELETE (unsubscribe) of one user; batch mode one PUT per group and action whose body lists the
// users, so events with different subscription lists still share bodies for the groups they share.
import { defineFields } from '../../engine/fields/types.js'
import { rejected } from './identifiers.js'
import type { ActionDefinition, JsonObject, PlanContext, PlannedDelivery, PlanRejection } from './types.js'

export const MAX_SUBSCRIPTION_ITEMS = 6
export const GROUP_TYPES = ['emailList', 'messageType', 'messageChannel'] as const
export type SubscriptionGroupType = (typeof GROUP_TYPES)[number]

export const MISSING_SUBSCRIPTION_IDENTIFIER = 'Must include email or userId in identifier.'
export const NO_SUBSCRIPTION_ITEMS = 'At least one subscription item is required.'

/** The documented endpoints (for lanes and rate limits; the paths carry values). */
export const SUBSCRIPTION_ROUTES = {
  byEmail: '/api/subscriptions/{subscriptionGroup}/{subscriptionGroupId}/user/{userEmail}',
  byUserId: '/api/subscriptions/{subscriptionGroup}/{subscriptionGroupId}/byUserId/{userId}',
  bulk: '/api/subscriptions/{subscriptionGroup}/{subscriptionGroupId}',
} as const

export const updateSubscriptionsFields = defineFields({
  identifier: {
    label: 'User Identifier',
    description: 'User identifier - provide email, userId, or both. At least one is required.',
    type: 'object',
    required: true,
    additionalProperties: false,
    properties: {
      email: {
        label: 'Email',
        description: 'An email address that identifies a user profile in Iterable.',
        type: 'string',
        format: 'email',
        required: false,
      },
      userId: {
        label: 'User ID',
        description: 'A user ID that identifies a user profile in Iterable.',
        type: 'string',
        required: false,
      },
    },
    default: { email: { '@path': '$.properties.email' }, userId: { '@path': '$.userId' } },
  },
  user_identifier_preference: {
    label: 'User Identifier Preference',
    description:
      'When both email and userId are provided, this determines which identifier is sent to Iterable. Iterable requires one or the other, not both.',
    type: 'string',
    required: true,
    choices: [
      { label: 'Email', value: 'email' },
      { label: 'User ID', value: 'userId' },
    ],
    default: 'email',
    disabledInputMethods: ['variable', 'function', 'freeform', 'enrichment'],
  },
  subscriptions: {
    label: 'Subscription Preferences',
    description: 'Subscription changes to apply for this user. Maximum 6 items.',
    type: 'object',
    multiple: true,
    required: true,
    additionalProperties: false,
    properties: {
      subscription_group_type: {
        label: 'Subscription Group Type',
        description: 'The type of subscription group.',
        type: 'string',
        required: true,
        choices: [
          { label: 'Email List', value: 'emailList' },
          { label: 'Message Type', value: 'messageType' },
          { label: 'Message Channel', value: 'messageChannel' },
        ],
        disabledInputMethods: ['variable', 'function', 'freeform', 'enrichment'],
      },
      subscription_group_id: {
        label: 'Subscription Group ID',
        description: 'The ID of the subscription group. Select a group type first to see available options.',
        type: 'string',
        required: true,
        dynamic: true,
        disabledInputMethods: ['variable', 'function', 'freeform', 'enrichment'],
      },
      action: {
        label: 'Action',
        description: 'Whether to subscribe or unsubscribe the user from this group.',
        type: 'string',
        required: true,
        choices: [
          { label: 'Subscribe', value: 'subscribe' },
          { label: 'Unsubscribe', value: 'unsubscribe' },
        ],
      },
    },
  },
  enable_batching: {
    label: 'Enable Batching',
    description: 'When enabled, Segment will send data to Iterable in batches.',
    type: 'boolean',
    required: false,
    default: true,
  },
  batch_size: {
    label: 'Batch Size',
    description: 'Maximum number of events to include in each batch. Actual batch sizes may be lower.',
    type: 'number',
    unsafe_hidden: true,
    required: false,
    default: 1000,
  },
})

/** The one identifier sent: the preferred one when present, else whichever is (trimmed, as Segment). */
export function resolveIdentifier(payload: JsonObject): { email: string } | { userId: string } | undefined {
  const identifier = (payload.identifier ?? {}) as { email?: unknown; userId?: unknown }
  const email = typeof identifier.email === 'string' ? identifier.email.trim() : ''
  const userId = typeof identifier.userId === 'string' ? identifier.userId.trim() : ''
  if (payload.user_identifier_preference === 'userId' && userId) return { userId }
  if (email) return { email }
  if (userId) return { userId }
  return undefined
}

interface SubscriptionItem {
  subscription_group_type: SubscriptionGroupType
  subscription_group_id: string
  action: 'subscribe' | 'unsubscribe'
}

/** `/api/subscriptions/{type}/{id}`; the id is encoded so that no value can reach another endpoint. */
function groupPath(item: SubscriptionItem): string {
  return `/api/subscriptions/${item.subscription_group_type}/${encodeURIComponent(item.subscription_group_id)}`
}

function plan(payload: JsonObject, context: PlanContext): PlannedDelivery[] | PlanRejection {
  const items = payload.subscriptions as SubscriptionItem[]
  if (items.length === 0) return rejected(NO_SUBSCRIPTION_ITEMS)
  if (items.length > MAX_SUBSCRIPTION_ITEMS) {
    return rejected(
      `Maximum of ${MAX_SUBSCRIPTION_ITEMS} subscription items allowed. Received ${items.length}.`,
    )
  }
  const identifier = resolveIdentifier(payload)
  if (identifier === undefined) return rejected(MISSING_SUBSCRIPTION_IDENTIFIER)
  const byEmail = 'email' in identifier
  return items.map((item): PlannedDelivery => {
    const group = groupPath(item)
    const delivery: PlannedDelivery = {
      action: 'updateSubscriptions',
      // The request names the user in its path; the item names them for ordering and history.
      endpoint: byEmail
        ? `${group}/user/${encodeURIComponent(identifier.email)}`
        : `${group}/byUserId/${encodeURIComponent(identifier.userId)}`,
      method: item.action === 'subscribe' ? 'PATCH' : 'DELETE',
      item: { ...identifier },
    }
    const route = byEmail ? SUBSCRIPTION_ROUTES.byEmail : SUBSCRIPTION_ROUTES.byUserId
    delivery.route = `${delivery.method} ${route}`
    if (context.batching) {
      const listKey = byEmail ? 'users' : 'usersByUserId'
      delivery.bulkEndpoint = `${group}?action=${item.action}`
      delivery.bulkMethod = 'PUT'
      delivery.bulkListKey = listKey
      delivery.bulkElement = byEmail ? 'email' : 'userId'
      delivery.batchKey = `updateSubscriptions:${delivery.bulkEndpoint}:${listKey}`
    }
    return delivery
  })
}

export const updateSubscriptions: ActionDefinition<typeof updateSubscriptionsFields> = {
  key: 'updateSubscriptions',
  title: 'Update Subscriptions',
  description:
    'Manage subscription preferences for a user, including subscribing and unsubscribing from channels, message types, and email lists. This integration is only supported on Iterable projects with opt-in Message Type Subscriptions and the Subscriptions API enabled.',
  defaultSubscription: 'type = "track" and event = "Subscriptions Updated"',
  fields: updateSubscriptionsFields,
  bulkEndpoint: SUBSCRIPTION_ROUTES.bulk,
  plan,
}
