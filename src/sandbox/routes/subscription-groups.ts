// The Subscriptions API (PATCH/DELETE one user, PUT a list of users) and the reads that name its
// groups (GET /api/channels, /api/messageTypes, /api/lists). Iterable enables the Subscriptions API
// per project; elsewhere it answers 404 NotFound "Endpoint not found for project: <id>".

import { ApiError, badParams } from '../api-error.js'
import { BodyCheck } from '../body-check.js'
import { BulkResult } from '../bulk-result.js'
import { addRejected, SUCCESS } from '../context.js'
import type { ProjectState, UserRecord } from '../state.js'
import { UserWriteBatch } from '../user-writes.js'
import { checkList } from './subscriptions.js'
import { writeOneUser } from './users.js'
import type { HandlerInput, RouteDef } from './route.js'

type Change = 'subscribe' | 'unsubscribe'

const GROUP_TYPES = new Set(['emailList', 'messageType', 'messageChannel'])

function checkEnabled(project: ProjectState): void {
  if (!project.config.subscriptionsApi) {
    throw new ApiError(404, 'NotFound', `Endpoint not found for project: ${project.config.id}`)
  }
}

/** The group's id, checked against the project's groups: a 400 for one it does not have. */
function groupOf(input: HandlerInput): { type: string; id: number } {
  const { project } = input.ctx
  const type = input.params.subscriptionGroup
  const raw = input.params.subscriptionGroupId
  if (!GROUP_TYPES.has(type)) {
    throw badParams(`Invalid subscription group: ${type}. Use emailList, messageType or messageChannel`)
  }
  const id = /^\d+$/.test(raw) ? Number(raw) : NaN
  const { groups } = project.config
  const invalid = (): ApiError => badParams(`Invalid ${type} id: ${raw}`, { subscriptionGroupId: raw })
  if (!Number.isSafeInteger(id) || id <= 0) throw invalid()
  if (type === 'emailList') checkList(project, id)
  else if (type === 'messageType') {
    if (!groups.messageTypes.some((t) => t.id === id)) throw invalid()
  } else {
    const channel = groups.channels.find((c) => c.id === id)
    if (channel === undefined) throw invalid()
    if (channel.channelType !== 'Marketing') {
      throw badParams(
        `Channel ${id} is a transactional channel: users cannot subscribe to or unsubscribe from it`,
      )
    }
  }
  return { type, id }
}

function withId(list: unknown, id: number, present: boolean): number[] {
  const ids = Array.isArray(list) ? (list as number[]).filter((x) => x !== id) : []
  return present ? [...ids, id] : ids
}

/** Applies one change to a user's subscription fields, as Iterable shows them on the profile. */
function apply(
  project: ProjectState,
  user: UserRecord,
  group: { type: string; id: number },
  change: Change,
): void {
  const fields = user.dataFields
  const subscribe = change === 'subscribe'
  if (group.type === 'emailList') {
    fields[project.listField] = withId(fields[project.listField], group.id, subscribe)
  } else if (group.type === 'messageChannel') {
    fields.unsubscribedChannelIds = withId(fields.unsubscribedChannelIds, group.id, !subscribe)
  } else {
    const optIn =
      project.config.groups.messageTypes.find((t) => t.id === group.id)?.subscriptionPolicy === 'OptIn'
    fields.unsubscribedMessageTypeIds = withId(fields.unsubscribedMessageTypeIds, group.id, !subscribe)
    if (optIn || !subscribe) {
      fields.subscribedMessageTypeIds = withId(fields.subscribedMessageTypeIds, group.id, subscribe && optIn)
    }
  }
}

function oneUser(input: HandlerInput, change: Change, by: 'email' | 'userId'): unknown {
  const { project, now } = input.ctx
  checkEnabled(project)
  const group = groupOf(input)
  const value = by === 'email' ? input.params.userEmail : input.params.userId
  const user = writeOneUser(input, by === 'email' ? { email: value } : { userId: value }, undefined)
  apply(project, user, group, change)
  project.touch(user, now)
  input.ctx.tally.accepted++
  return SUCCESS
}

function bulk(input: HandlerInput): unknown {
  const { ctx } = input
  const { project, now } = ctx
  checkEnabled(project)
  const group = groupOf(input)
  const change = input.query.action
  if (change !== 'subscribe' && change !== 'unsubscribe') {
    throw badParams(`Invalid action: ${change ?? '(none)'}. Use action=subscribe or action=unsubscribe`)
  }
  const check = new BodyCheck(input.route)
  const body = check.root(input.body)
  const emails = check.strings(body, 'users', 'obj') ?? []
  const userIds = check.strings(body, 'usersByUserId', 'obj') ?? []
  check.done()
  if (emails.length + userIds.length === 0) throw badParams('Send users and/or usersByUserId')
  const batch = new UserWriteBatch(ctx, undefined)
  const result = new BulkResult()
  const vetted = [...emails.map((email) => ({ email })), ...userIds.map((userId) => ({ userId }))].map((u) =>
    batch.vet(u),
  )
  batch.finish()
  for (const v of vetted) {
    const applied = v.ok ? batch.apply(v, 'create', 'API') : v
    if (!applied.ok) {
      result.add(applied)
      continue
    }
    apply(project, applied.user, group, change)
    project.touch(applied.user, now)
    result.successCount++
  }
  ctx.tally.accepted += result.successCount
  addRejected(ctx.tally, result.reasons)
  // ⚠ The answer's shape is not documented: Iterable's envelope, as for its other single calls.
  return SUCCESS
}

/** POST /api/lists {name}: a new Standard list → `{"listId": N}` (names need not be unique). */
function createList(input: HandlerInput): unknown {
  const check = new BodyCheck(input.route)
  const body = check.root(input.body)
  const name = check.string(body, 'name', 'obj', true) as string
  check.done()
  if (name.trim() === '') throw badParams('A list needs a name: "name" is empty')
  input.ctx.tally.accepted++
  return { listId: input.ctx.project.createList(name).id }
}

const countUsers = (body: unknown): number => {
  if (typeof body !== 'object' || body === null) return 0
  const { users, usersByUserId } = body as Record<string, unknown>
  return (Array.isArray(users) ? users.length : 0) + (Array.isArray(usersByUserId) ? usersByUserId.length : 0)
}

const BY_EMAIL = '/api/subscriptions/{subscriptionGroup}/{subscriptionGroupId}/user/{userEmail}'
const BY_USER_ID = '/api/subscriptions/{subscriptionGroup}/{subscriptionGroupId}/byUserId/{userId}'

// ⚠ Iterable documents no rate limits for these endpoints; 100/s each, like its other per-user calls.
export const subscriptionGroupRoutes: RouteDef[] = [
  { method: 'PATCH', path: BY_EMAIL, ratePerSecond: 100, handler: (i) => oneUser(i, 'subscribe', 'email') },
  {
    method: 'DELETE',
    path: BY_EMAIL,
    ratePerSecond: 100,
    handler: (i) => oneUser(i, 'unsubscribe', 'email'),
  },
  {
    method: 'PATCH',
    path: BY_USER_ID,
    ratePerSecond: 100,
    handler: (i) => oneUser(i, 'subscribe', 'userId'),
  },
  {
    method: 'DELETE',
    path: BY_USER_ID,
    ratePerSecond: 100,
    handler: (i) => oneUser(i, 'unsubscribe', 'userId'),
  },
  {
    method: 'PUT',
    path: '/api/subscriptions/{subscriptionGroup}/{subscriptionGroupId}',
    ratePerSecond: 10,
    bulk: true,
    countItems: countUsers,
    handler: bulk,
  },
  {
    method: 'GET',
    path: '/api/channels',
    ratePerSecond: 100,
    handler: (i) => ({ channels: i.ctx.project.config.groups.channels }),
  },
  {
    method: 'GET',
    path: '/api/messageTypes',
    ratePerSecond: 100,
    handler: (i) => ({ messageTypes: i.ctx.project.config.groups.messageTypes }),
  },
  {
    method: 'GET',
    path: '/api/lists',
    ratePerSecond: 100,
    handler: (i) => ({ lists: i.ctx.project.lists }),
  },
  // ⚠ Iterable documents no rate limit for list creation; 100/s like GET /api/lists.
  { method: 'POST', path: '/api/lists', ratePerSecond: 100, handler: createList },
]
