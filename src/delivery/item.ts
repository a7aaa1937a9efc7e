// An item: one thing an event causes at a destination (one mapping's delivery), as routing hands it
// to delivery and as delivery keeps it. Delivery never looks inside `body`: it is a single request's
// body or one element of a bulk body.

export type JsonObject = Record<string, unknown>

/** A request sent after the item's own succeeded (e.g. updateEmail after users/update). */
export interface FollowUp {
  method: 'POST'
  path: string
  body: JsonObject
  /** After a bulk update Iterable may not have created the user yet: "user not found" is retried. */
  retryWhileUserMissing?: boolean
}

export interface BulkTarget {
  path: string
  /** The bulk request's method when not POST. */
  method?: 'PUT'
  /** Key of the item list in the bulk body (`users`, `events` or `usersByUserId`). */
  listKey: 'users' | 'events' | 'usersByUserId' | 'subscribers'
  /**
   * The list holds this key's value of each item, not the item (`{"users": ["a@x.com"]}`); the
   * answer then settles every item of the body alike.
   */
  element?: 'email' | 'userId'
  /** Top-level keys of the bulk body besides the list (e.g. `{updateOnly: true}`). */
  envelope?: JsonObject
  /** Only items with an equal batch key share a bulk body. */
  batchKey: string
  /** Items per body for this mapping (1..1000). */
  batchSize: number
}

/** Everything needed to send an item: what a parked item or a dead letter stores (JSON). */
export interface ItemPayload {
  /** The single request's path. */
  path: string
  /** The single request's method when not POST; PATCH and DELETE are sent without a body. */
  method?: 'PUT' | 'PATCH' | 'DELETE'
  /**
   * The documented endpoint when the path carries values (a user's email): requests to it share
   * a lane and a rate-limit budget.
   */
  route?: string
  /** Set when the item goes into bulk bodies. */
  bulk?: BulkTarget
  body: JsonObject
  followUps?: FollowUp[]
  /**
   * Iterable creates the user if it does not know them (a user update, a purchase): such an item may
   * pass an item of its user that waits for the user to exist (see user-order.ts).
   */
  createsUser?: true
  /**
   * The Iterable list named so is looked up (or created) when the item is sent; its id goes into the
   * body (single) or the bulk envelope as `listId` (syncAudience without a list id).
   */
  listName?: string
}

/** What routing hands delivery for one event at one destination. */
export interface RoutedItem extends ItemPayload {
  /** Position among the event's items and refusals at this destination (stable for event + revision). */
  ordinal: number
  mappingId: string
  action: string
  /** Ordering keys of the item's user(s): userId and lowercased emails, prefixed (`u:`, `e:`). */
  keys: string[]
}

/** A mapping whose payload could not be planned (validation, refused by the action, runtime error). */
export interface RoutedRefusal {
  ordinal: number
  mappingId: string
  action: string
  code: string
  message: string
}

export interface RouteResult {
  items: RoutedItem[]
  refusals: RoutedRefusal[]
}

/** The lane an item is sent through: its bulk path when batched, else its endpoint. */
export function laneOf(payload: ItemPayload): string {
  return payload.bulk?.path ?? payload.route ?? payload.path
}

/** Whether the single request carries the item as its body (PATCH and DELETE name the user in the path). */
export function sendsBody(payload: ItemPayload): boolean {
  return payload.method !== 'PATCH' && payload.method !== 'DELETE'
}

export function payloadOf(item: ItemPayload): ItemPayload {
  const payload: ItemPayload = { path: item.path, body: item.body }
  if (item.method !== undefined) payload.method = item.method
  if (item.route !== undefined) payload.route = item.route
  if (item.bulk !== undefined) payload.bulk = item.bulk
  if (item.followUps !== undefined && item.followUps.length > 0) payload.followUps = item.followUps
  if (item.createsUser === true) payload.createsUser = true
  if (item.listName !== undefined) payload.listName = item.listName
  return payload
}
