// A project's subscription groups: message channels, message types and lists, as `GET /api/channels`,
// `/api/messageTypes` and `/api/lists` list them and as the Subscriptions API checks its group ids.
// Projects without their own get a small default set (docs/sandbox.md).
import { SandboxConfigError } from './api-error.js'

export interface ChannelOptions {
  id: number
  name: string
  /** Only Marketing channels take subscribe/unsubscribe calls. */
  channelType: 'Marketing' | 'Transactional'
  messageMedium: string
}

export interface MessageTypeOptions {
  id: number
  name: string
  channelId: number
  /** OptIn types are subscribed explicitly (`subscribedMessageTypeIds`); OptOut types by default. */
  subscriptionPolicy: 'OptIn' | 'OptOut'
}

export interface ListOptions {
  id: number
  name: string
  listType: 'Standard' | 'Dynamic'
}

export interface SubscriptionGroups {
  channels: readonly ChannelOptions[]
  messageTypes: readonly MessageTypeOptions[]
  /** Listed by GET /api/lists. */
  lists: readonly ListOptions[]
}

export const DEFAULT_CHANNELS: readonly ChannelOptions[] = [
  { id: 1, name: 'Marketing Email', channelType: 'Marketing', messageMedium: 'Email' },
  { id: 2, name: 'Transactional Email', channelType: 'Transactional', messageMedium: 'Email' },
  { id: 3, name: 'Marketing Push', channelType: 'Marketing', messageMedium: 'Push' },
]

export const DEFAULT_MESSAGE_TYPES: readonly MessageTypeOptions[] = [
  { id: 11, name: 'Newsletter', channelId: 1, subscriptionPolicy: 'OptOut' },
  { id: 12, name: 'Product Updates', channelId: 1, subscriptionPolicy: 'OptIn' },
  { id: 21, name: 'Receipts', channelId: 2, subscriptionPolicy: 'OptOut' },
  { id: 31, name: 'Offers', channelId: 3, subscriptionPolicy: 'OptOut' },
]

function checkIds(project: string, what: string, entries: readonly { id: unknown; name: unknown }[]): void {
  const seen = new Set<unknown>()
  for (const entry of entries) {
    if (!Number.isInteger(entry.id) || (entry.id as number) <= 0 || typeof entry.name !== 'string') {
      throw new SandboxConfigError(
        `Project "${project}": every entry of ${what} needs a positive integer id and a name`,
      )
    }
    if (seen.has(entry.id))
      throw new SandboxConfigError(`Project "${project}": ${what} id ${String(entry.id)} appears twice`)
    seen.add(entry.id)
  }
}

/** The groups of a project: those given, else the defaults; lists default to `listIds` named "List <id>". */
export function subscriptionGroups(
  project: string,
  input: {
    channels?: ChannelOptions[]
    messageTypes?: MessageTypeOptions[]
    lists?: ListOptions[]
    listIds?: number[]
  },
): SubscriptionGroups {
  const channels = input.channels ?? DEFAULT_CHANNELS
  const messageTypes = input.messageTypes ?? DEFAULT_MESSAGE_TYPES
  const lists =
    input.lists ??
    (input.listIds ?? []).map((id): ListOptions => ({ id, name: `List ${id}`, listType: 'Standard' }))
  checkIds(project, 'channels', channels)
  checkIds(project, 'messageTypes', messageTypes)
  checkIds(project, 'lists', lists)
  for (const type of messageTypes) {
    if (!channels.some((c) => c.id === type.channelId)) {
      throw new SandboxConfigError(
        `Project "${project}": message type ${type.id} names unknown channel ${type.channelId}`,
      )
    }
  }
  return { channels, messageTypes, lists }
}
