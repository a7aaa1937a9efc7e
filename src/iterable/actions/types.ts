// The contract between an action's declarative definition and the runtime that plans requests.
import type { FieldDefinitions } from '../../engine/fields/types.js'
import type { IterableSettings } from '../settings.js'

export type ActionKey =
  | 'updateUser'
  | 'trackEvent'
  | 'updateCart'
  | 'trackPurchase'
  | 'updateSubscriptions'
  | 'registerDeviceToken'
  | 'mergeUsers'
  | 'syncAudience'

/** Methods other than POST (the default). PATCH and DELETE requests carry no body. */
export type RequestMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export type JsonObject = Record<string, unknown>

/** Key of the item list in a bulk body. */
export type BulkListKey = 'users' | 'events' | 'usersByUserId' | 'subscribers'

/** Everything an action needs besides the validated payload. */
export interface PlanContext {
  settings: IterableSettings
  /** The mapping sends through the action's bulk endpoint (only for actions that have one). */
  batching: boolean
  /** The Segment messageId (D13: purchase id when none is mapped). */
  messageId?: string
  /** When this service received the event, in ms (D5: createdAt default). */
  receivedAtMs: number
  /** The event's `context.personas.audience_settings` (Engage audiences: syncAudience). */
  audienceSettings?: JsonObject
}

/** A request sent only after the delivery it belongs to succeeded (e.g. updateEmail, D9). */
export interface FollowUpRequest {
  method: 'POST'
  path: string
  body: JsonObject
  /**
   * True when it follows a bulk call: Iterable may not have created the user yet, so a
   * "user does not exist" answer should be retried for a while rather than dead-lettered.
   */
  retryWhileUserMissing?: boolean
}

/**
 * One unit of work for delivery. `item` is final (dates converted, ids filled): it is the single
 * request's body, or — when `bulkEndpoint` is set — one element of a bulk body.
 */
export interface PlannedDelivery {
  action: ActionKey
  /** Path of the single request (always set; the request used when `bulkEndpoint` is absent). */
  endpoint: string
  /** The single request's method when not POST; the bulk request's method when it batches. */
  method?: RequestMethod
  /**
   * The endpoint as Iterable documents it, for paths that carry values (`/api/subscriptions/{group}/
   * {id}/user/{email}`): requests to one documented endpoint share a lane and a rate-limit budget.
   */
  route?: string
  /** Path of the bulk request, when the item is to be batched. */
  bulkEndpoint?: string
  /** The bulk request's method when not POST. */
  bulkMethod?: 'PUT'
  /** Items with equal batchKey may share a bulk body (D12: updateOnly is part of it). */
  batchKey?: string
  /** Top-level keys of the bulk body besides the item list (e.g. `{updateOnly: true}`). */
  bulkEnvelope?: JsonObject
  /** Key of the item list in the bulk body (`users`, `events`, or `usersByUserId`). */
  bulkListKey?: BulkListKey
  /**
   * The list holds this key's value of each item rather than the item (subscriptions: `users` is a
   * list of emails, `usersByUserId` of userIds).
   */
  bulkElement?: 'email' | 'userId'
  item: JsonObject
  followUps?: FollowUpRequest[]
  /**
   * The Iterable list is the one of this name, looked up (or created) when the request is sent: the
   * body (single) or the envelope (bulk) then gets its `listId` (syncAudience without a list id).
   */
  listName?: string
}

/** A payload the action refuses to send, with the reason. */
export interface PlanRejection {
  rejected: { message: string; code: string }
}

export interface ActionDefinition<F extends FieldDefinitions = FieldDefinitions> {
  key: ActionKey
  title: string
  description: string
  defaultSubscription: string
  fields: F
  /** Path of the bulk endpoint, for actions that can batch. */
  bulkEndpoint?: string
  /** Builds the deliveries for one validated payload, or says why it cannot be sent. */
  plan(payload: JsonObject, context: PlanContext): PlannedDelivery[] | PlanRejection
}
