// GET and DELETE routes for users and events, GET /api/webhooks and GET /api/users/getFields.

import { ApiError, badParams } from '../api-error.js'
import { SUCCESS } from '../context.js'
import { normalizeEmail } from '../identifiers.js'
import { renderEvent, renderUser } from '../render.js'
import type { EventRecord, ProjectState, UserRecord } from '../state.js'
import type { HandlerInput, RouteDef } from './route.js'

function emailParam(raw: string | undefined): string {
  const email = raw === undefined ? undefined : normalizeEmail(raw)
  if (email === undefined) throw new ApiError(400, 'InvalidEmailAddressError', `Invalid email: ${raw ?? ''}`)
  return email
}

function userResponse(project: ProjectState, user: UserRecord | undefined): unknown {
  // Unknown (or forgotten) user: 200 {}.
  return user === undefined ? {} : { user: renderUser(project, user) }
}

const byEmail = (input: HandlerInput, raw: string | undefined): unknown => {
  const { project } = input.ctx
  return userResponse(project, project.findByEmail(emailParam(raw)))
}

const byUserId = (input: HandlerInput, raw: string | undefined): unknown => {
  const { project } = input.ctx
  if (raw === undefined || raw === '') throw badParams('userId is required')
  return userResponse(project, project.findByUserId(raw))
}

function eventsOf(input: HandlerInput, user: UserRecord | undefined): unknown {
  const { project, behaviour } = input.ctx
  if (user === undefined) return { events: [] }
  const rawLimit = input.query.limit
  let limit = behaviour.getEventsDefaultLimit
  if (rawLimit !== undefined) {
    limit = Number(rawLimit)
    if (!Number.isInteger(limit) || limit < 1) throw badParams(`Invalid limit: ${rawLimit}`)
    limit = Math.min(limit, behaviour.getEventsMaxLimit)
  }
  // Newest first.
  const out: EventRecord[] = []
  for (let i = user.events.length - 1; i >= 0 && out.length < limit; i--) out.push(user.events[i])
  return { events: out.map((e) => renderEvent(project, e)) }
}

function deleteByEmail(input: HandlerInput): unknown {
  const { project } = input.ctx
  if (project.type === 'userId')
    throw badParams('Deleting users by email is not supported in userID-based projects')
  const email = emailParam(input.params.email)
  const user = project.findByEmail(email)
  // Observed: 200 even when the user did not exist.
  if (user !== undefined) {
    project.deleteUser(user)
    input.ctx.tally.accepted++
  }
  return SUCCESS
}

function deleteByUserId(input: HandlerInput): unknown {
  const { project } = input.ctx
  const userId = input.params.userId
  const users = project.allByUserId(userId)
  if (users.length === 0) throw badParams(`User does not exist. Email:  UserId: ${userId}`)
  for (const user of users) project.deleteUser(user)
  input.ctx.tally.accepted += users.length
  return {
    msg: `All users associated with ${userId} were successfully deleted`,
    code: 'Success',
    params: null,
  }
}

function getFields(input: HandlerInput): unknown {
  const fields: Record<string, string> = {}
  for (const [path, type] of input.ctx.project.userTypes.types) fields[path] = type
  return { fields }
}

export const readRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/api/users/getByEmail',
    ratePerSecond: 100,
    handler: (input) => byEmail(input, input.query.email),
  },
  {
    method: 'GET',
    path: '/api/users/byUserId',
    ratePerSecond: 100,
    handler: (input) => byUserId(input, input.query.userId),
  },
  {
    method: 'GET',
    path: '/api/users/byUserId/{userId}',
    ratePerSecond: 100,
    handler: (input) => byUserId(input, input.params.userId),
  },
  { method: 'GET', path: '/api/users/getFields', ratePerSecond: 3, handler: getFields },
  {
    method: 'GET',
    path: '/api/users/{email}',
    ratePerSecond: 100,
    handler: (input) => byEmail(input, input.params.email),
  },
  {
    method: 'GET',
    path: '/api/events/byUserId/{userId}',
    ratePerSecond: 100,
    handler: (input) => eventsOf(input, input.ctx.project.findByUserId(input.params.userId)),
  },
  {
    method: 'GET',
    path: '/api/events/{email}',
    ratePerSecond: 100,
    handler: (input) => eventsOf(input, input.ctx.project.findByEmail(emailParam(input.params.email))),
  },
  { method: 'DELETE', path: '/api/users/{email}', ratePerSecond: 100, handler: deleteByEmail },
  { method: 'DELETE', path: '/api/users/byUserId/{userId}', ratePerSecond: 100, handler: deleteByUserId },
  {
    method: 'GET',
    path: '/api/webhooks',
    ratePerSecond: 100,
    handler: (input) => ({ webhooks: input.ctx.project.config.webhooks }),
  },
]
