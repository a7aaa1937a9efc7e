// Writing users (users/update, bulkUpdate, list subscribers, the `user` of commerce calls) in two
// phases: `vet` checks every item and stages field types without touching state; `finish` fails
// the whole request on a type mismatch or the field limit; `apply` resolves and writes one item.

import { ApiError } from './api-error.js'
import { applyDataFields, dropUnknownFields } from './data-fields.js'
import type { Fields } from './data-fields.js'
import { FieldTypeCheck } from './field-types.js'
import { checkIdentity, resolveUser } from './identity.js'
import type { CheckedIdentity, Failure, Resolved, ResolveMode } from './identity.js'
import { isValidUserId, normalizeEmail } from './identifiers.js'
import type { OpContext } from './context.js'

export interface UserWriteInput {
  email?: string
  userId?: string
  preferUserId?: boolean
  dataFields?: Fields
  mergeNestedObjects?: boolean
}

export interface VettedUserWrite {
  ok: true
  input: UserWriteInput
  id: CheckedIdentity
  /** dataFields.email (userID-based, hybrid): the new email. */
  newEmail?: string
  /** dataFields.userId: sets (email-based) or renames (userID-based, hybrid) the userId. */
  newUserId?: string
}

/** Identifier keys inside dataFields: handled as identity changes, never stored or typed. */
export const IDENTITY_KEYS: ReadonlySet<string> = new Set(['email', 'userId'])

function dataFailure(id: CheckedIdentity, detail: string): Failure {
  return id.email !== undefined
    ? { ok: false, kind: 'invalidDataEmails', identifier: id.email, detail }
    : { ok: false, kind: 'invalidDataUserIds', identifier: id.userId ?? '', detail }
}

export class UserWriteBatch {
  readonly check: FieldTypeCheck
  readonly filteredOut = new Set<string>()
  private readonly allowNewFields: boolean

  constructor(
    private readonly ctx: OpContext,
    createNewFields: boolean | undefined,
  ) {
    const b = ctx.behaviour
    this.check = new FieldTypeCheck(
      ctx.project.userTypes,
      'user',
      b.typeCoercion,
      b.maxValueChars,
      IDENTITY_KEYS,
    )
    this.allowNewFields = createNewFields ?? ctx.project.config.allowNewFields
  }

  vet(input: UserWriteInput): VettedUserWrite | Failure {
    const { project } = this.ctx
    const id = checkIdentity(project, input.email, input.userId)
    if (!id.ok) return id
    const vetted: VettedUserWrite = { ok: true, input, id }
    const df = input.dataFields
    if (df === undefined) return vetted
    const dfUserId = df.userId
    if (dfUserId !== undefined && dfUserId !== null) {
      if (typeof dfUserId !== 'string' || !isValidUserId(dfUserId)) {
        return { ok: false, kind: 'invalidUserIds', identifier: identifierText(dfUserId) }
      }
      vetted.newUserId = dfUserId
    }
    const dfEmail = df.email
    // ⚠ In email-based projects dataFields.email is ignored (the email changes through updateEmail).
    if (project.config.type !== 'email' && dfEmail !== undefined && dfEmail !== null) {
      const email = typeof dfEmail === 'string' ? normalizeEmail(dfEmail) : undefined
      if (email === undefined)
        return { ok: false, kind: 'invalidEmails', identifier: identifierText(dfEmail).toLowerCase() }
      vetted.newEmail = email
    }
    if (!this.allowNewFields) {
      const types = project.userTypes.types
      dropUnknownFields(df, (key) => IDENTITY_KEYS.has(key) || types.has(key), this.filteredOut)
    }
    if (!this.check.check(df)) {
      return dataFailure(id, `A value exceeds ${this.ctx.behaviour.maxValueChars} characters`)
    }
    return vetted
  }

  /** Fails the whole request on type mismatches or too many fields; commits new field types. */
  finish(): void {
    const { project, behaviour } = this.ctx
    if (this.check.errors !== undefined) throw typesMismatched(project.config.id, this.check)
    const staged = this.check.staged
    if (staged.size === 0) return
    if (project.userTypes.createdCount + staged.size > behaviour.maxUserFields) {
      throw new ApiError(
        400,
        'UniqueFieldsLimitExceeded',
        `Project ${project.config.id}: the request would exceed the limit of ${behaviour.maxUserFields} unique user fields`,
      )
    }
    project.userTypes.commit(staged)
    project.sink.metaChanged(project)
  }

  createdFields(): string[] {
    return [...this.check.staged.keys()]
  }

  apply(vetted: VettedUserWrite, mode: ResolveMode, source: 'API' | 'IMPORT'): Resolved | Failure {
    const { project, behaviour, now } = this.ctx
    const resolved = resolveUser(project, vetted.id, mode, vetted.input.preferUserId === true, source, now)
    if (!resolved.ok) return resolved
    const user = resolved.user
    if (vetted.newEmail !== undefined && vetted.newEmail !== user.email) {
      const owner = project.type === 'hybrid' ? project.findByEmail(vetted.newEmail) : undefined
      if (owner !== undefined && owner !== user) {
        if (resolved.created) project.deleteUser(user)
        return {
          ok: false,
          kind: 'conflictEmails',
          identifier: vetted.newEmail,
          code: 'EmailAlreadyExists',
          detail: `Email ${vetted.newEmail} already exists`,
        }
      }
      project.setEmail(user, vetted.newEmail)
    }
    if (vetted.newUserId !== undefined && vetted.newUserId !== user.userId) {
      const owner = project.type !== 'email' ? project.findByUserId(vetted.newUserId) : undefined
      if (owner !== undefined && owner !== user) {
        if (resolved.created) project.deleteUser(user)
        return {
          ok: false,
          kind: 'conflictUserIds',
          identifier: vetted.newUserId,
          code: 'UserIdAlreadyExists',
          detail: `userId ${vetted.newUserId} already exists`,
        }
      }
      project.setUserId(user, vetted.newUserId)
    }
    const df = vetted.input.dataFields
    if (df !== undefined) {
      applyDataFields(
        user.dataFields,
        df,
        vetted.input.mergeNestedObjects === true,
        behaviour.mergeNestedDepth,
        IDENTITY_KEYS,
      )
    }
    project.touch(user, now)
    return resolved
  }
}

export function typesMismatched(projectId: number, check: FieldTypeCheck): ApiError {
  return new ApiError(
    400,
    'RequestFieldsTypesMismatched',
    `Project ${projectId}: The request does not have the same data types as the data previously submitted. ${check.firstError}`,
    { validationErrors: check.errors },
  )
}

/** A refused identifier as the answer lists it: a string as is, any other value as its JSON. */
function identifierText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '')
}
