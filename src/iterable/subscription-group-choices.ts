// The choices of a subscription's group id (Update Subscriptions), as Segment's dynamic field offers
// them: Iterable's channels, message types or lists, labelled with their name and kind, valued by id.
import type { IterableClient } from './client/index.js'
import { GROUP_TYPES, type SubscriptionGroupType } from './actions/update-subscriptions.js'

export interface GroupChoice {
  label: string
  value: string
}

/** A problem the editor shows instead of choices; `status` is Iterable's when it refused. */
export class GroupChoicesError extends Error {
  constructor(
    readonly code: 'MISSING_GROUP_TYPE' | 'INVALID_GROUP_TYPE' | 'ITERABLE_ERROR',
    message: string,
    readonly status?: number,
  ) {
    super(message)
    this.name = 'GroupChoicesError'
  }
}

type Entry = Record<string, unknown>

const SOURCES: Record<SubscriptionGroupType, { path: string; list: string; label: (e: Entry) => string }> = {
  messageChannel: {
    path: '/api/channels',
    list: 'channels',
    label: (e) => `${String(e.name)} (${String(e.messageMedium)} - ${String(e.channelType)})`,
  },
  messageType: {
    path: '/api/messageTypes',
    list: 'messageTypes',
    label: (e) => `${String(e.name)} (${String(e.subscriptionPolicy)})`,
  },
  emailList: { path: '/api/lists', list: 'lists', label: (e) => `${String(e.name)} (${String(e.listType)})` },
}

export function isGroupType(value: string): value is SubscriptionGroupType {
  return (GROUP_TYPES as readonly string[]).includes(value)
}

/** Fetches the groups of one type from Iterable; throws GroupChoicesError. */
export async function subscriptionGroupChoices(
  client: IterableClient,
  type: string | undefined,
): Promise<GroupChoice[]> {
  if (type === undefined || type === '') {
    throw new GroupChoicesError('MISSING_GROUP_TYPE', "Select a 'Subscription Group Type' first.")
  }
  if (!isGroupType(type)) {
    throw new GroupChoicesError('INVALID_GROUP_TYPE', `Unknown subscription group type: ${type}`)
  }
  const source = SOURCES[type]
  const response = await client.send({ method: 'GET', path: source.path })
  if (response.outcome.kind !== 'success') {
    throw new GroupChoicesError('ITERABLE_ERROR', response.outcome.message, response.status)
  }
  const entries = (response.body as Record<string, unknown> | null)?.[source.list]
  if (!Array.isArray(entries)) return []
  return (entries as Entry[]).map((e) => ({ label: source.label(e), value: String(e.id) }))
}
