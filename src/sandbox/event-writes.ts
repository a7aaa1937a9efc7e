// Tracking custom events (events/track, events/trackBulk) in the same two phases as user writes:
// vet every event (identity syntax, disallowed names, id size, field types per event name),
// fail the whole request on a type mismatch, then resolve the user and store each event.

import { ApiError } from './api-error.js'
import type { Fields } from './data-fields.js'
import { FieldTypeCheck } from './field-types.js'
import type { FieldType } from './field-types.js'
import { checkIdentity, resolveUser } from './identity.js'
import type { CheckedIdentity, Failure } from './identity.js'
import { randomHex } from './state.js'
import type { EventRecord } from './state.js'
import type { OpContext } from './context.js'
import { typesMismatched } from './user-writes.js'

export interface EventInput {
  eventName: string
  email?: string
  userId?: string
  id?: string
  createdAt?: number
  dataFields?: Fields
  campaignId?: number
  templateId?: number
}

export interface VettedEvent {
  ok: true
  input: EventInput
  id: CheckedIdentity
}

const MAX_ID_BYTES = 512

// Generated ids: a random per-process prefix and a counter (cheaper than random bytes per event).
const ID_PREFIX = randomHex(8)
let idCounter = 0
export function generateEventId(): string {
  return `${ID_PREFIX}${(++idCounter).toString(16).padStart(16, '0')}`
}

export class EventWriteBatch {
  private readonly check: FieldTypeCheck
  private readonly stagedByName = new Map<string, Map<string, FieldType>>()

  constructor(private readonly ctx: OpContext) {
    const b = ctx.behaviour
    this.check = new FieldTypeCheck(ctx.project.eventRegistry(''), 'event', b.typeCoercion, b.maxValueChars)
  }

  /** 'disallowed' when the project refuses this event name. */
  vet(input: EventInput): VettedEvent | Failure | 'disallowed' {
    const { project, behaviour } = this.ctx
    const id = checkIdentity(project, input.email, input.userId)
    if (!id.ok) return id
    if (project.config.disallowedEventNames.has(input.eventName)) return 'disallowed'
    if (
      input.id !== undefined &&
      input.id.length * 3 > MAX_ID_BYTES &&
      Buffer.byteLength(input.id) > MAX_ID_BYTES
    ) {
      return invalidData(id, `Event id longer than ${MAX_ID_BYTES} bytes`)
    }
    if (input.dataFields !== undefined) {
      let staged = this.stagedByName.get(input.eventName)
      if (staged === undefined) {
        staged = new Map()
        this.stagedByName.set(input.eventName, staged)
      }
      this.check.use(project.eventRegistry(input.eventName), staged)
      if (!this.check.check(input.dataFields)) {
        return invalidData(id, `A value exceeds ${behaviour.maxValueChars} characters`)
      }
    }
    return { ok: true, input, id }
  }

  finish(): void {
    const { project, behaviour } = this.ctx
    if (this.check.errors !== undefined) throw typesMismatched(project.config.id, this.check)
    let changed = false
    for (const [name, staged] of this.stagedByName) {
      if (staged.size === 0) continue
      const registry = project.eventRegistry(name)
      if (registry.createdCount + staged.size > behaviour.maxEventFields) {
        throw new ApiError(
          400,
          'UniqueFieldsLimitExceeded',
          `Project ${project.config.id}: event '${name}' would exceed the limit of ${behaviour.maxEventFields} unique fields`,
        )
      }
      registry.commit(staged)
      changed = true
    }
    if (changed) project.sink.metaChanged(project)
  }

  createdFields(): string[] {
    const out: string[] = []
    for (const staged of this.stagedByName.values()) for (const key of staged.keys()) out.push(key)
    return out
  }

  apply(vetted: VettedEvent): { ok: true; event: EventRecord } | Failure {
    const { project, behaviour, now } = this.ctx
    const resolved = resolveUser(project, vetted.id, 'event', false, 'API', now)
    if (!resolved.ok) return resolved
    const input = vetted.input
    const event: EventRecord = {
      seq: project.nextEventSeq++,
      eventType: 'customEvent',
      id: input.id ?? generateEventId(),
      eventName: input.eventName,
      createdAt: input.createdAt ?? Math.floor(now / 1000),
      dataFields: input.dataFields,
      campaignId: input.campaignId,
      templateId: input.templateId,
      owner: resolved.user,
    }
    project.putEvent(event, behaviour)
    if (resolved.created) project.touch(resolved.user, now)
    return { ok: true, event }
  }
}

function invalidData(id: CheckedIdentity, detail: string): Failure {
  return id.email !== undefined
    ? { ok: false, kind: 'invalidDataEmails', identifier: id.email, detail }
    : { ok: false, kind: 'invalidDataUserIds', identifier: id.userId ?? '', detail }
}
