// What the GET routes return: profiles and events as Iterable shows them, with date fields in
// the canonical `yyyy-MM-dd HH:mm:ss +00:00` form (spec §7.2) and Iterable-managed fields added.

import { canonicalDate, formatIterableDate } from './dates.js'
import type { Fields } from './data-fields.js'
import type { TypeRegistry } from './field-types.js'
import type { EventRecord, ProjectState, UserRecord } from './state.js'

/** A deep copy of `fields` with strings of date-typed paths in canonical form. */
function canonicalCopy(fields: Fields, registry: TypeRegistry | undefined, prefix: string): Fields {
  const out: Fields = {}
  for (const key in fields) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    out[key] = canonicalValue(fields[key], registry, path)
  }
  return out
}

function canonicalValue(value: unknown, registry: TypeRegistry | undefined, path: string): unknown {
  if (typeof value === 'string') return registry?.types.get(path) === 'date' ? canonicalDate(value) : value
  if (Array.isArray(value)) return value.map((v) => canonicalValue(v, registry, path))
  if (typeof value === 'object' && value !== null) return canonicalCopy(value as Fields, registry, path)
  return value
}

export function renderUser(project: ProjectState, user: UserRecord): Record<string, unknown> {
  const dataFields = canonicalCopy(user.dataFields, project.userTypes, '')
  if (user.email !== undefined) dataFields.email = user.email
  if (user.userId !== undefined) dataFields.userId = user.userId
  dataFields.signupDate ??= formatIterableDate(user.createdAt)
  dataFields.profileUpdatedAt = formatIterableDate(user.updatedAt)
  dataFields.signupSource ??= user.signupSource
  if (user.itblUserId !== undefined) dataFields.itblUserId = user.itblUserId
  dataFields.itblInternal = {
    documentCreatedAt: formatIterableDate(user.createdAt),
    documentUpdatedAt: formatIterableDate(user.updatedAt),
    ...(user.email !== undefined ? { emailDomain: user.email.slice(user.email.indexOf('@') + 1) } : {}),
  }
  const out: Record<string, unknown> = {}
  if (user.email !== undefined) out.email = user.email
  if (user.userId !== undefined) out.userId = user.userId
  out.dataFields = dataFields
  return out
}

export function renderEvent(project: ProjectState, event: EventRecord): Record<string, unknown> {
  const user = event.owner
  const out: Record<string, unknown> = {
    id: event.id,
    eventType: event.eventType,
    createdAt: event.createdAt,
  }
  if (event.eventName !== undefined) out.eventName = event.eventName
  if (user.email !== undefined) out.email = user.email
  if (user.userId !== undefined) out.userId = user.userId
  if (event.campaignId !== undefined) out.campaignId = event.campaignId
  if (event.templateId !== undefined) out.templateId = event.templateId
  if (event.eventType === 'purchase') {
    out.total = event.total
    out.shoppingCartItems = event.items
  }
  const registry = event.eventName !== undefined ? project.eventTypes.get(event.eventName) : undefined
  out.dataFields = event.dataFields === undefined ? {} : canonicalCopy(event.dataFields, registry, '')
  return out
}
