import type { BulkItem, BulkKind, BulkResponse } from './bulk-types.js'
import type { IterableFieldType } from './field-types.js'
import { appliesTo, carriesMismatch, isFieldTypeMismatch, readValidationErrors } from './mismatch.js'
import type { FieldTypeError, MismatchedItem } from './mismatch.js'

export interface FieldTypeMemoryOptions {
  /** How long a learned type is trusted (default 10 min): the field may be deleted in Iterable. */
  readonly ttlMs?: number
  /** Most learned fields kept (default 10 000); the oldest learned is dropped first. */
  readonly maxFields?: number
  /** Clock in ms (default `Date.now`). */
  readonly now?: () => number
}

/** An item `screen` keeps back, with when Iterable refused that field type (epoch ms). */
export interface ScreenedItem extends MismatchedItem {
  readonly learnedAt: number
}

const DEFAULT_TTL_MS = 10 * 60 * 1000
const DEFAULT_MAX_FIELDS = 10_000

interface Learned {
  /** `u\0<field>` or `e\0<eventName>\0<field>`. */
  readonly key: string
  readonly eventName?: string
  /** What `screen` checks values against (no `offendingValue`: that was one request's value). */
  readonly error: FieldTypeError
  readonly learnedAt: number
}

/**
 * Field types Iterable has told us about in 400 `RequestFieldsTypesMismatched` answers, for one
 * Iterable project (API key + base URL; the caller keeps one per project). `screen` finds the items
 * of a bulk request that Iterable would refuse, so they need not cost a rate-limited round trip.
 *
 * Per field it keeps the stored type and the incoming types Iterable refused for it (all types when
 * an answer listed none), and screens with the very rule that locates offenders in a real answer
 * (`carriesMismatch`): an item is kept back only for a value of a kind Iterable already refused.
 * User fields are one set per project, event fields one set per event name.
 */
export class FieldTypeMemory {
  readonly ttlMs: number
  readonly maxFields: number
  readonly #now: () => number
  readonly #users = new Map<string, Learned>()
  readonly #events = new Map<string, Map<string, Learned>>()
  /** Every entry, oldest learned first (re-learning moves an entry to the end). */
  readonly #order = new Map<string, Learned>()

  constructor(options: FieldTypeMemoryOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS
    this.maxFields = Math.max(1, options.maxFields ?? DEFAULT_MAX_FIELDS)
    this.#now = options.now ?? Date.now
  }

  /** Learned fields currently held (expired ones may still count until the next call). */
  get size(): number {
    return this.#order.size
  }

  /**
   * Records the stored types named by a 400 `RequestFieldsTypesMismatched` answer to a request of
   * `kind` with `items` (a single `/api/users/update` or `/api/events/track`: its one body). Any
   * other answer, and errors without a usable `expectedType` or of the other category, are ignored.
   * An event error is recorded for the event names of the items that caused it.
   */
  learn(kind: BulkKind, items: readonly BulkItem[], response: Pick<BulkResponse, 'status' | 'body'>): void {
    if (!isFieldTypeMismatch(response)) return
    const now = this.#now()
    this.#prune(now)
    for (const error of readValidationErrors(response.body)) {
      if (error.expectedType === undefined || !appliesTo(kind, error)) continue
      if (kind === 'users') this.#record(undefined, error, now)
      else for (const eventName of offendingEventNames(items, error)) this.#record(eventName, error, now)
    }
  }

  /**
   * The items (index ascending) carrying a value that cannot fit a learned, unexpired type, each
   * with the learned error it matched (first match per item). `[]` at once when nothing is learned.
   */
  screen(kind: BulkKind, items: readonly BulkItem[]): ScreenedItem[] {
    if (this.#order.size === 0) return []
    this.#prune(this.#now())
    if (kind === 'users' ? this.#users.size === 0 : this.#events.size === 0) return []
    const found: ScreenedItem[] = []
    for (let index = 0; index < items.length; index++) {
      const item = items[index]
      const fields =
        kind === 'users'
          ? this.#users
          : typeof item.eventName === 'string'
            ? this.#events.get(item.eventName)
            : undefined
      if (fields === undefined) continue
      for (const learned of fields.values()) {
        if (carriesMismatch(item.dataFields, learned.error)) {
          found.push({ index, error: learned.error, learnedAt: learned.learnedAt })
          break
        }
      }
    }
    return found
  }

  /** Forgets everything learned (e.g. after the project's fields were reset). */
  clear(): void {
    this.#users.clear()
    this.#events.clear()
    this.#order.clear()
  }

  #record(eventName: string | undefined, error: FieldTypeError, now: number): void {
    const expectedType = error.expectedType as IterableFieldType
    const key = eventName === undefined ? `u\0${error.field}` : `e\0${eventName}\0${error.field}`
    const previous = this.#order.get(key)
    // The same stored type again widens the refused incoming types; a new one replaces them.
    const incomingTypes =
      previous?.error.expectedType === expectedType
        ? mergeIncoming(previous.error.incomingTypes, error.incomingTypes)
        : error.incomingTypes
    const learned: Learned = {
      key,
      ...(eventName !== undefined ? { eventName } : {}),
      error: {
        field: error.field,
        expectedType,
        incomingTypes,
        category: eventName === undefined ? 'user' : (error.category ?? 'event'),
      },
      learnedAt: now,
    }
    if (previous !== undefined) this.#order.delete(key)
    this.#order.set(key, learned)
    if (eventName === undefined) {
      this.#users.set(error.field, learned)
    } else {
      let fields = this.#events.get(eventName)
      if (fields === undefined) {
        fields = new Map()
        this.#events.set(eventName, fields)
      }
      fields.set(error.field, learned)
    }
    while (this.#order.size > this.maxFields) this.#drop(this.#order.values().next().value!)
  }

  /** Drops expired entries; they are the oldest, so the walk stops at the first fresh one. */
  #prune(now: number): void {
    for (const learned of this.#order.values()) {
      if (now - learned.learnedAt < this.ttlMs) return
      this.#drop(learned)
    }
  }

  #drop(learned: Learned): void {
    this.#order.delete(learned.key)
    if (learned.eventName === undefined) {
      this.#users.delete(learned.error.field)
      return
    }
    const fields = this.#events.get(learned.eventName)
    if (fields === undefined) return
    fields.delete(learned.error.field)
    if (fields.size === 0) this.#events.delete(learned.eventName)
  }
}

/** No incoming types means "any type"; otherwise the union of what Iterable refused. */
function mergeIncoming(
  a: ReadonlySet<IterableFieldType>,
  b: ReadonlySet<IterableFieldType>,
): ReadonlySet<IterableFieldType> {
  if (a.size === 0 || b.size === 0) return EMPTY
  return new Set([...a, ...b])
}

const EMPTY: ReadonlySet<IterableFieldType> = new Set()

/**
 * The event names an event-field error is about. Iterable does not say, so: the one event name of
 * the request when there is only one; otherwise the names of the items carrying the reported
 * offending value, or failing that of the items the offender rule blames.
 */
function offendingEventNames(items: readonly BulkItem[], error: FieldTypeError): Set<string> {
  const all = new Set<string>()
  for (const item of items) if (typeof item.eventName === 'string') all.add(item.eventName)
  if (all.size <= 1) return all
  const offending = error.offendingValue
  if (offending !== undefined && offending !== null) {
    // Without an expected type the rule matches the reported offending value only.
    const exact = namesOf(items, (item) =>
      carriesMismatch(item.dataFields, { ...error, expectedType: undefined }),
    )
    if (exact.size > 0) return exact
  }
  return namesOf(items, (item) => carriesMismatch(item.dataFields, error))
}

function namesOf(items: readonly BulkItem[], blamed: (item: BulkItem) => boolean): Set<string> {
  const names = new Set<string>()
  for (const item of items) if (typeof item.eventName === 'string' && blamed(item)) names.add(item.eventName)
  return names
}
