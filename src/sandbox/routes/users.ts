// users/update, users/bulkUpdate, users/updateEmail, users/forget|unforget.

import { ApiError, badParams, forgottenUser } from '../api-error.js'
import { BodyCheck } from '../body-check.js'
import { BulkResult } from '../bulk-result.js'
import { addRejected, SUCCESS } from '../context.js'
import { failureError } from '../identity.js'
import { normalizeEmail } from '../identifiers.js'
import { UserWriteBatch } from '../user-writes.js'
import type { UserWriteInput } from '../user-writes.js'
import { arrayLength } from './route.js'
import type { HandlerInput, RouteDef } from './route.js'
import type { Fields } from '../data-fields.js'
import type { UserRecord } from '../state.js'

export function readUserInput(check: BodyCheck, o: Fields, path: string): UserWriteInput {
  return {
    ...check.identity(o, path),
    dataFields: check.object(o, 'dataFields', path),
    mergeNestedObjects: check.boolean(o, 'mergeNestedObjects', path),
  }
}

/** One user write outside a bulk call (users/update, the `user` of commerce calls, tokens). */
export function writeOneUser(
  input: HandlerInput,
  userInput: UserWriteInput,
  createNewFields: boolean | undefined,
): UserRecord {
  const batch = new UserWriteBatch(input.ctx, createNewFields)
  const vetted = batch.vet(userInput)
  if (!vetted.ok) throw failureError(vetted)
  batch.finish()
  const result = batch.apply(vetted, 'create', 'API')
  if (!result.ok) throw failureError(result)
  return result.user
}

function update(input: HandlerInput): unknown {
  const check = new BodyCheck(input.route)
  const body = check.root(input.body)
  const userInput = readUserInput(check, body, 'obj')
  const createNewFields = check.boolean(body, 'createNewFields', 'obj')
  check.done()
  writeOneUser(input, userInput, createNewFields)
  input.ctx.tally.accepted++
  return SUCCESS
}

function bulkUpdate(input: HandlerInput): unknown {
  const { ctx } = input
  const check = new BodyCheck(input.route)
  const body = check.root(input.body)
  const users = check.objects(body, 'users', 'obj', true)
  const createNewFields = check.boolean(body, 'createNewFields', 'obj')
  const updateOnly = check.boolean(body, 'updateOnly', 'obj') === true
  const inputs = users.map((u, i) => readUserInput(check, u, `obj.users[${i}]`))
  check.done()

  const batch = new UserWriteBatch(ctx, createNewFields)
  const result = new BulkResult()
  const vetted = inputs.map((u) => batch.vet(u))
  batch.finish()
  for (const v of vetted) {
    if (!v.ok) {
      result.add(v)
      continue
    }
    const applied = batch.apply(v, updateOnly ? 'existing' : 'create', 'API')
    if (applied.ok) result.successCount++
    else if (updateOnly && (applied.kind === 'notFoundEmails' || applied.kind === 'notFoundUserIds')) {
      // ⚠ updateOnly: unknown users are skipped, listed as no-ops, neither success nor failure.
      if (applied.kind === 'notFoundEmails') result.noOpEmails.push(applied.identifier)
      else result.noOpUserIds.push(applied.identifier)
    } else result.add(applied)
  }
  ctx.tally.accepted += result.successCount
  addRejected(ctx.tally, result.reasons)
  return result.usersBody(batch.createdFields(), [...batch.filteredOut])
}

function updateEmail(input: HandlerInput): unknown {
  const { project, now } = input.ctx
  const check = new BodyCheck(input.route)
  const body = check.root(input.body)
  const rawNew = check.string(body, 'newEmail', 'obj', true)
  const currentEmail = check.string(body, 'currentEmail', 'obj')
  const currentUserId = check.string(body, 'currentUserId', 'obj')
  check.done()
  const newEmail = normalizeEmail(rawNew as string)
  if (newEmail === undefined)
    throw new ApiError(400, 'InvalidEmailAddressError', `Invalid newEmail ${rawNew}`)
  let user: UserRecord | undefined
  let current: string
  if (currentEmail !== undefined) {
    const email = normalizeEmail(currentEmail)
    if (email === undefined)
      throw new ApiError(400, 'InvalidEmailAddressError', `Invalid currentEmail ${currentEmail}`)
    current = email
    user = project.findByEmail(email)
  } else if (currentUserId !== undefined) {
    current = currentUserId
    user = project.findByUserId(currentUserId)
  } else {
    throw badParams('Must provide currentEmail or currentUserId')
  }
  if (user === undefined) {
    throw badParams(`Cannot change user Some(${current}) to ${newEmail}. User does not exist`)
  }
  if (project.forgottenEmails.has(newEmail)) throw forgottenUser()
  if (user.email === newEmail) {
    input.ctx.tally.accepted++
    return SUCCESS
  }
  if (project.type !== 'userId' && project.findByEmail(newEmail) !== undefined) {
    throw new ApiError(409, 'EmailAlreadyExists', `Email ${newEmail} already exists`)
  }
  if (project.type === 'email') {
    // Observed: the profile is re-created under the new email (new signupDate), events move along.
    const moved = project.createUser(newEmail, user.userId, user.signupSource, now)
    moved.dataFields = user.dataFields
    project.moveEvents(user, moved)
    project.deleteUser(user)
    project.touch(moved, now)
  } else {
    project.setEmail(user, newEmail)
    project.touch(user, now)
  }
  input.ctx.tally.accepted++
  return SUCCESS
}

/** GDPR forget: deletes the user and refuses its identifiers from then on (409 / forgotten*). */
function forget(input: HandlerInput): unknown {
  const { project } = input.ctx
  const { email, userId } = identifiersOf(input)
  if (project.type === 'email' && email === undefined)
    throw badParams('email is required in email-based projects')
  if (project.type === 'userId' && userId === undefined)
    throw badParams('userId is required in userID-based projects')
  const users = new Set<UserRecord>()
  if (email !== undefined) {
    const u = project.findByEmail(email)
    if (u !== undefined) users.add(u)
    project.forgottenEmails.add(email)
  }
  if (userId !== undefined) {
    for (const u of project.allByUserId(userId)) users.add(u)
    project.forgottenUserIds.add(userId)
  }
  for (const u of users) project.forget(u)
  project.sink.metaChanged(project)
  input.ctx.tally.accepted += users.size
  return SUCCESS
}

function unforget(input: HandlerInput): unknown {
  const { project } = input.ctx
  const { email, userId } = identifiersOf(input)
  if (email !== undefined) project.forgottenEmails.delete(email)
  if (userId !== undefined) project.forgottenUserIds.delete(userId)
  project.sink.metaChanged(project)
  input.ctx.tally.accepted++
  return SUCCESS
}

function identifiersOf(input: HandlerInput): { email?: string; userId?: string } {
  const check = new BodyCheck(input.route)
  const body = check.root(input.body)
  const rawEmail = check.string(body, 'email', 'obj')
  const userId = check.string(body, 'userId', 'obj')
  check.done()
  let email: string | undefined
  if (rawEmail !== undefined) {
    email = normalizeEmail(rawEmail)
    if (email === undefined) throw new ApiError(400, 'InvalidEmailAddressError', `Invalid email: ${rawEmail}`)
  }
  if (email === undefined && userId === undefined) throw badParams('Must provide email or userId')
  return { email, userId }
}

export const userWriteRoutes: RouteDef[] = [
  { method: 'POST', path: '/api/users/update', ratePerSecond: 500, handler: update },
  {
    method: 'POST',
    path: '/api/users/bulkUpdate',
    ratePerSecond: 5,
    bulk: true,
    countItems: arrayLength('users'),
    handler: bulkUpdate,
  },
  { method: 'POST', path: '/api/users/updateEmail', ratePerSecond: 500, handler: updateEmail },
  // 3/s and 1,000 a day per project (iterable-api.md §3).
  { method: 'POST', path: '/api/users/forget', ratePerSecond: 3, dailyCap: 1000, handler: forget },
  { method: 'POST', path: '/api/users/unforget', ratePerSecond: 3, dailyCap: 1000, handler: unforget },
]
