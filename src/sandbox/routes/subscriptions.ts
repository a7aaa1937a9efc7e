// users/registerDeviceToken, users/registerBrowserToken, users/updateSubscriptions,
// lists/subscribe and lists/unsubscribe.

import { ApiError, badParams } from '../api-error.js'
import { BodyCheck } from '../body-check.js'
import { BulkResult } from '../bulk-result.js'
import { addRejected, SUCCESS } from '../context.js'
import { isPlainObject } from '../data-fields.js'
import type { Fields } from '../data-fields.js'
import type { ProjectState } from '../state.js'
import { UserWriteBatch } from '../user-writes.js'
import { arrayLength } from './route.js'
import { readUserInput, writeOneUser } from './users.js'
import type { HandlerInput, RouteDef } from './route.js'

const PLATFORMS = new Set(['APNS', 'APNS_SANDBOX', 'GCM'])

function registerDeviceToken(input: HandlerInput): unknown {
  const { project, behaviour, now } = input.ctx
  const check = new BodyCheck(input.route)
  const body = check.root(input.body)
  const device = check.object(body, 'device', 'obj', true)
  let token: string | undefined
  let platform: string | undefined
  let applicationName: string | undefined
  let deviceFields: Fields | undefined
  if (device !== undefined) {
    token = check.string(device, 'token', 'obj.device', true)
    platform = check.string(device, 'platform', 'obj.device', true)
    applicationName = check.string(device, 'applicationName', 'obj.device', true)
    deviceFields = check.object(device, 'dataFields', 'obj.device')
  }
  const identity = check.identity(body, 'obj')
  check.done()
  if (!PLATFORMS.has(platform as string))
    throw badParams(`Invalid platform: ${platform}. Use APNS, APNS_SANDBOX or GCM`)
  const user = writeOneUser(input, identity, undefined)
  const devices = Array.isArray(user.dataFields.devices) ? (user.dataFields.devices as Fields[]) : []
  const existing = devices.find((d) => isPlainObject(d) && d.token === token)
  if (existing !== undefined) {
    existing.platform = platform
    existing.applicationName = applicationName
    if (deviceFields !== undefined) Object.assign(existing, deviceFields)
  } else {
    if (devices.length >= behaviour.maxDevicesPerUser) {
      throw badParams(`A user can have at most ${behaviour.maxDevicesPerUser} devices`)
    }
    devices.push({ ...deviceFields, token, platform, applicationName, endpointEnabled: true })
  }
  user.dataFields.devices = devices
  project.touch(user, now)
  input.ctx.tally.accepted++
  return SUCCESS
}

function registerBrowserToken(input: HandlerInput): unknown {
  const { project, behaviour, now } = input.ctx
  const check = new BodyCheck(input.route)
  const body = check.root(input.body)
  const token = check.string(body, 'browserToken', 'obj', true) as string
  const identity = check.identity(body, 'obj')
  check.done()
  const user = writeOneUser(input, identity, undefined)
  const tokens = Array.isArray(user.dataFields.browserTokens)
    ? (user.dataFields.browserTokens as string[])
    : []
  if (!tokens.includes(token)) {
    if (tokens.length >= behaviour.maxBrowserTokensPerUser) {
      throw badParams(`A user can have at most ${behaviour.maxBrowserTokensPerUser} browser tokens`)
    }
    tokens.push(token)
  }
  user.dataFields.browserTokens = tokens
  project.touch(user, now)
  input.ctx.tally.accepted++
  return SUCCESS
}

export function checkList(project: ProjectState, listId: number): void {
  const known = project.config.listIds
  const created = project.createdLists.some((list) => list.id === listId)
  if (listId <= 0 || (known !== undefined && !known.has(listId) && !created)) {
    // Quirk kept on purpose: a 400 whose code is "Success".
    throw new ApiError(
      400,
      'Success',
      `error.lists.invalidListId(${listId})`,
      { projectId: project.config.id, listId },
      'InvalidListId',
    )
  }
}

function updateSubscriptions(input: HandlerInput): unknown {
  const { project, now } = input.ctx
  const check = new BodyCheck(input.route)
  const body = check.root(input.body)
  const identity = check.identity(body, 'obj')
  const lists = check.numbers(body, 'emailListIds', 'obj')
  const overwrite: Record<string, number[] | undefined> = {
    [project.listField]: lists,
    unsubscribedChannelIds: check.numbers(body, 'unsubscribedChannelIds', 'obj'),
    unsubscribedMessageTypeIds: check.numbers(body, 'unsubscribedMessageTypeIds', 'obj'),
    subscribedMessageTypeIds: check.numbers(body, 'subscribedMessageTypeIds', 'obj'),
  }
  check.number(body, 'campaignId', 'obj', false, true)
  check.number(body, 'templateId', 'obj', false, true)
  check.boolean(body, 'validateChannelAlignment', 'obj')
  check.done()
  for (const id of lists ?? []) checkList(project, id)
  const user = writeOneUser(input, identity, undefined)
  // Overwrites (no merge) every field sent.
  for (const key in overwrite) if (overwrite[key] !== undefined) user.dataFields[key] = overwrite[key]
  project.touch(user, now)
  input.ctx.tally.accepted++
  return SUCCESS
}

function listCall(input: HandlerInput, subscribe: boolean): unknown {
  const { ctx } = input
  const { project, now } = ctx
  const check = new BodyCheck(input.route)
  const body = check.root(input.body)
  const listId = check.number(body, 'listId', 'obj', true, true) as number
  const subscribers = check.objects(body, 'subscribers', 'obj', true)
  const updateExistingOnly = subscribe && check.boolean(body, 'updateExistingUsersOnly', 'obj') === true
  if (!subscribe) {
    check.number(body, 'campaignId', 'obj', false, true)
    check.boolean(body, 'channelUnsubscribe', 'obj')
  }
  const inputs = subscribers.map((s, i) =>
    subscribe ? readUserInput(check, s, `obj.subscribers[${i}]`) : check.identity(s, `obj.subscribers[${i}]`),
  )
  check.done()
  checkList(project, listId)
  const batch = new UserWriteBatch(ctx, undefined)
  const result = new BulkResult()
  const vetted = inputs.map((s) => batch.vet(s))
  batch.finish()
  // updateExistingUsersOnly is honoured only in userID-based and hybrid projects.
  const mode = !subscribe || (updateExistingOnly && project.type !== 'email') ? 'existing' : 'create'
  const field = project.listField
  for (const v of vetted) {
    if (!v.ok) {
      result.add(v)
      continue
    }
    const applied = batch.apply(v, mode, 'API')
    if (!applied.ok) {
      result.add(applied)
      continue
    }
    const user = applied.user
    const current = Array.isArray(user.dataFields[field]) ? (user.dataFields[field] as number[]) : []
    if (subscribe) {
      if (!current.includes(listId)) user.dataFields[field] = [...current, listId]
    } else {
      user.dataFields[field] = current.filter((id) => id !== listId)
    }
    project.touch(user, now)
    result.successCount++
  }
  ctx.tally.accepted += result.successCount
  addRejected(ctx.tally, result.reasons)
  return result.usersBody(batch.createdFields(), [...batch.filteredOut])
}

export const subscriptionRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/api/users/registerDeviceToken',
    ratePerSecond: 500,
    handler: registerDeviceToken,
  },
  {
    method: 'POST',
    path: '/api/users/registerBrowserToken',
    ratePerSecond: 500,
    handler: registerBrowserToken,
  },
  {
    method: 'POST',
    path: '/api/users/updateSubscriptions',
    ratePerSecond: 500,
    handler: updateSubscriptions,
  },
  {
    method: 'POST',
    path: '/api/lists/subscribe',
    ratePerSecond: 10,
    countItems: arrayLength('subscribers'),
    handler: (input) => listCall(input, true),
  },
  {
    method: 'POST',
    path: '/api/lists/unsubscribe',
    ratePerSecond: 10,
    countItems: arrayLength('subscribers'),
    handler: (input) => listCall(input, false),
  },
]
