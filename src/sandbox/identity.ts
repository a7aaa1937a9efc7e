// Identity rules of spec §6 per project type: which identifier finds a user, which calls create
// one, preferUserId and placeholder emails, uniqueness conflicts, forgotten users.
// Phase 1 (`checkIdentity`) validates syntax only, so a bulk request can be vetted before any
// write; phase 2 (`resolveUser`) looks up or creates the user.

import { ApiError, badParams, forgottenUser, invalidEmail } from './api-error.js'
import { isValidUserId, normalizeEmail } from './identifiers.js'
import { randomHex } from './state.js'
import type { ProjectState, UserRecord } from './state.js'

export type FailureKind =
  | 'invalidEmails'
  | 'invalidUserIds'
  | 'notFoundEmails'
  | 'notFoundUserIds'
  | 'forgottenEmails'
  | 'forgottenUserIds'
  | 'conflictEmails'
  | 'conflictUserIds'
  | 'invalidDataEmails'
  | 'invalidDataUserIds'

/** Why one item failed, keyed by the identifier Iterable would list it under. */
export interface Failure {
  ok: false
  kind: FailureKind
  identifier: string
  /** For conflicts: the userId listed in `conflictUserIds`. */
  conflictUserId?: string
  /** Message for the single-call error. */
  detail?: string
  /** Code of the single-call error when it differs from the kind's default. */
  code?: 'EmailAlreadyExists' | 'UserIdAlreadyExists'
}

export interface CheckedIdentity {
  ok: true
  email: string | undefined
  userId: string | undefined
}

/**
 * create: users/update, bulkUpdate, commerce, register*, updateSubscriptions, lists/subscribe;
 * event: events/track(Bulk) (create only in userID-based and hybrid projects);
 * existing: never create (unsubscribe, updateExistingUsersOnly, updateOnly).
 */
export type ResolveMode = 'create' | 'event' | 'existing'

export interface Resolved {
  ok: true
  user: UserRecord
  created: boolean
}

const fail = (kind: FailureKind, identifier: string, detail?: string): Failure => ({
  ok: false,
  kind,
  identifier,
  detail,
})

export function checkIdentity(
  project: ProjectState,
  rawEmail: string | undefined,
  rawUserId: string | undefined,
): CheckedIdentity | Failure {
  let email: string | undefined
  if (rawEmail !== undefined && rawEmail !== '') {
    // Fast path: index keys are already valid, lower-cased emails.
    email = project.findByEmail(rawEmail) !== undefined ? rawEmail : normalizeEmail(rawEmail)
    if (email === undefined) return fail('invalidEmails', rawEmail.toLowerCase())
  }
  const userId = rawUserId === undefined || rawUserId === '' ? undefined : rawUserId
  if (userId !== undefined && !isValidUserId(userId)) return fail('invalidUserIds', userId)
  if (email === undefined && userId === undefined) {
    if (rawUserId === '') return fail('invalidUserIds', '', 'userId must not be empty')
    return fail('invalidEmails', rawEmail ?? '', 'Must provide email or userId')
  }
  if (email !== undefined && project.forgottenEmails.has(email)) return fail('forgottenEmails', email)
  if (userId !== undefined && project.forgottenUserIds.has(userId)) return fail('forgottenUserIds', userId)
  return { ok: true, email, userId }
}

function notFound(id: CheckedIdentity, detail: string): Failure {
  return id.email !== undefined
    ? fail('notFoundEmails', id.email, detail)
    : fail('notFoundUserIds', id.userId ?? '', detail)
}

function conflict(id: CheckedIdentity): Failure {
  return {
    ok: false,
    kind: 'conflictEmails',
    identifier: id.email ?? '',
    conflictUserId: id.userId,
    detail: 'Email/userId conflict',
  }
}

export function resolveUser(
  project: ProjectState,
  id: CheckedIdentity,
  mode: ResolveMode,
  preferUserId: boolean,
  source: 'API' | 'IMPORT',
  now: number,
): Resolved | Failure {
  switch (project.config.type) {
    case 'email':
      return resolveEmailBased(project, id, mode, preferUserId, source, now)
    case 'userId':
      return resolveUserIdBased(project, id, mode, source, now)
    default:
      return resolveHybrid(project, id, mode, source, now)
  }
}

function resolveEmailBased(
  project: ProjectState,
  id: CheckedIdentity,
  mode: ResolveMode,
  preferUserId: boolean,
  source: 'API' | 'IMPORT',
  now: number,
): Resolved | Failure {
  if (id.email !== undefined) {
    // Email identifies; a userId sent along is set on (or overwrites) the profile.
    let user = project.findByEmail(id.email)
    let created = false
    if (user === undefined) {
      if (mode !== 'create') return notFound(id, `User not found: ${id.email}`)
      user = project.createUser(id.email, id.userId, source, now)
      created = true
    } else if (id.userId !== undefined && user.userId !== id.userId) {
      project.setUserId(user, id.userId)
    }
    return { ok: true, user, created }
  }
  const userId = id.userId as string
  const user = project.findByUserId(userId)
  if (user !== undefined) return { ok: true, user, created: false }
  if (mode === 'create' && preferUserId) {
    return {
      ok: true,
      user: project.createUser(`${randomHex(16)}@placeholder.email`, userId, source, now),
      created: true,
    }
  }
  return notFound(
    id,
    `No user with userId ${userId} (email-based project; send preferUserId: true to create one)`,
  )
}

function resolveUserIdBased(
  project: ProjectState,
  id: CheckedIdentity,
  mode: ResolveMode,
  source: 'API' | 'IMPORT',
  now: number,
): Resolved | Failure {
  if (id.userId === undefined) return notFound(id, 'userId is required in userID-based projects')
  const user = project.findByUserId(id.userId)
  if (user === undefined) {
    if (mode === 'existing') return notFound(id, `User not found: ${id.userId}`)
    return { ok: true, user: project.createUser(id.email, id.userId, source, now), created: true }
  }
  // Emails are plain profile data here (not unique): sending one sets it.
  if (id.email !== undefined && user.email !== id.email) project.setEmail(user, id.email)
  return { ok: true, user, created: false }
}

function resolveHybrid(
  project: ProjectState,
  id: CheckedIdentity,
  mode: ResolveMode,
  source: 'API' | 'IMPORT',
  now: number,
): Resolved | Failure {
  const byEmail = id.email !== undefined ? project.findByEmail(id.email) : undefined
  const byUserId = id.userId !== undefined ? project.findByUserId(id.userId) : undefined
  if (byEmail !== undefined && byUserId !== undefined && byEmail !== byUserId) return conflict(id)
  const user = byUserId ?? byEmail
  if (user === undefined) {
    if (mode === 'existing') return notFound(id, 'User not found')
    return { ok: true, user: project.createUser(id.email, id.userId, source, now), created: true }
  }
  // ⚠ One identifier matched: the other is attached when the profile has none, a conflict when it
  // holds a different value (identifier changes go through dataFields.email / dataFields.userId).
  if (id.email !== undefined && user.email !== id.email) {
    if (user.email !== undefined) return conflict(id)
    project.setEmail(user, id.email)
  }
  if (id.userId !== undefined && user.userId !== id.userId) {
    if (user.userId !== undefined) return conflict(id)
    project.setUserId(user, id.userId)
  }
  return { ok: true, user, created: false }
}

/** The error a single (non-bulk) call answers for a failure. */
export function failureError(failure: Failure): ApiError {
  switch (failure.kind) {
    case 'invalidEmails':
      return failure.detail !== undefined ? badParams(failure.detail) : invalidEmail(failure.identifier)
    case 'invalidUserIds':
      return new ApiError(
        400,
        'InvalidUserIdError',
        failure.detail ?? `Invalid userId: ${failure.identifier}`,
      )
    case 'notFoundEmails':
      return new ApiError(400, 'UnknownEmailError', failure.detail ?? `User not found: ${failure.identifier}`)
    case 'notFoundUserIds':
      return new ApiError(
        400,
        'UnknownUserIdError',
        failure.detail ?? `User not found: ${failure.identifier}`,
      )
    case 'forgottenEmails':
    case 'forgottenUserIds':
      return forgottenUser()
    case 'conflictUserIds':
      return new ApiError(
        409,
        failure.code ?? 'UserIdAlreadyExists',
        failure.detail ?? 'Email/userId conflict',
      )
    case 'conflictEmails':
      if (failure.code !== undefined)
        return new ApiError(409, failure.code, failure.detail ?? 'Email/userId conflict')
      return new ApiError(409, 'ExternalKeyConflict', 'Email/userId conflict', {
        email: failure.identifier,
        userId: failure.conflictUserId ?? null,
      })
    default:
      return badParams(failure.detail ?? 'Invalid data fields')
  }
}
