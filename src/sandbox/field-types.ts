// Field type registry of spec §7.1: a field takes the type of the first value received and keeps
// it. One registry per project for user fields (by dotted path) and one per event name.

import { isIterableDate } from './dates.js'

export type FieldType = 'string' | 'date' | 'long' | 'double' | 'boolean' | 'object' | 'geo_location'

/**
 * How strictly an incoming value must match the stored type (⚠ undocumented):
 * - strict: same type only (a date-looking string may still go into a string field);
 * - numeric: strict, plus a long into a double field;
 * - lenient: numeric, plus numbers/booleans into string fields and numeric strings into number fields.
 */
export type TypeCoercion = 'strict' | 'numeric' | 'lenient'

export interface ValidationErrorEntry {
  incomingTypes: string[]
  expectedType: FieldType
  _type: 'UnexpectedType'
  offendingValue: unknown
  category: 'user' | 'event'
}

const INCOMING_TYPES: Record<FieldType, string[]> = {
  string: ['string', 'keyword'],
  date: ['date'],
  long: ['long'],
  double: ['double'],
  boolean: ['boolean'],
  object: ['object'],
  geo_location: ['geo_location'],
}

const GEO_SUFFIX = '_geo_location'
const NUMERIC_STRING = /^-?\d+(?:\.\d+)?$/

export class TypeRegistry {
  readonly types = new Map<string, FieldType>()
  /** Fields Iterable defines itself; they do not count toward the unique-field limit. */
  private builtIn = 0

  constructor(builtIns: Record<string, FieldType> = {}) {
    for (const [path, type] of Object.entries(builtIns)) this.types.set(path, type)
    this.builtIn = this.types.size
  }

  get createdCount(): number {
    return this.types.size - this.builtIn
  }

  commit(staged: Map<string, FieldType>): void {
    for (const [path, type] of staged) if (!this.types.has(path)) this.types.set(path, type)
  }
}

function inferLeaf(value: unknown): FieldType | undefined {
  switch (typeof value) {
    case 'string':
      return isIterableDate(value) ? 'date' : 'string'
    case 'number':
      return Number.isInteger(value) ? 'long' : 'double'
    case 'boolean':
      return 'boolean'
    default:
      return undefined
  }
}

function isGeo(value: Record<string, unknown>): boolean {
  return typeof value.lat === 'number' && typeof value.lon === 'number'
}

function compatible(expected: FieldType, incoming: FieldType, value: unknown, mode: TypeCoercion): boolean {
  if (expected === incoming) return true
  if (expected === 'string' && incoming === 'date') return true
  if (mode === 'strict') return false
  if (expected === 'double' && incoming === 'long') return true
  if (mode === 'numeric') return false
  if (expected === 'string' && (incoming === 'long' || incoming === 'double' || incoming === 'boolean'))
    return true
  if ((expected === 'long' || expected === 'double') && typeof value === 'string') {
    return NUMERIC_STRING.test(value) && (expected === 'double' || !value.includes('.'))
  }
  return false
}

/**
 * Checks one request's data fields against a registry. New fields are staged (committed only
 * when the whole request succeeds); mismatches are collected into `errors`, keyed by field path.
 * Reused across the items of a bulk request so that per-item work stays a single walk.
 */
export class FieldTypeCheck {
  staged = new Map<string, FieldType>()
  errors: Record<string, ValidationErrorEntry> | undefined
  firstError: string | undefined
  /** Set by `check` when a value exceeds `maxValueChars`. */
  tooLong = false

  constructor(
    private registry: TypeRegistry,
    readonly category: 'user' | 'event',
    private readonly mode: TypeCoercion,
    private readonly maxValueChars: number,
    /** Top-level keys that are identifiers or system-managed and are never typed here. */
    private readonly skipTopLevel: ReadonlySet<string> = EMPTY,
  ) {}

  /** Switches registry and staging map (events: one per event name), keeping collected errors. */
  use(registry: TypeRegistry, staged: Map<string, FieldType>): void {
    this.registry = registry
    this.staged = staged
  }

  /** Returns false when this item holds a value over the size limit (invalid data). */
  check(fields: Record<string, unknown>): boolean {
    this.tooLong = false
    this.walk(fields, '', true)
    return !this.tooLong
  }

  get failed(): boolean {
    return this.errors !== undefined
  }

  private walk(obj: Record<string, unknown>, prefix: string, top: boolean): void {
    for (const key in obj) {
      if (top && this.skipTopLevel.has(key)) continue
      const value = obj[key]
      if (value === null || value === undefined) continue
      const path = prefix === '' ? key : `${prefix}.${key}`
      if (Array.isArray(value)) {
        for (const element of value) this.visit(path, key, element)
      } else {
        this.visit(path, key, value)
      }
    }
  }

  private visit(path: string, key: string, value: unknown): void {
    if (value === null || value === undefined) return
    if (Array.isArray(value)) {
      for (const element of value) this.visit(path, key, element)
      return
    }
    if (typeof value === 'object') {
      const obj = value as Record<string, unknown>
      if (key.endsWith(GEO_SUFFIX) && isGeo(obj)) {
        this.expect(path, 'geo_location', value)
        return
      }
      if (this.expect(path, 'object', value)) this.walk(obj, path, false)
      return
    }
    if (typeof value === 'string') {
      if (value.length > this.maxValueChars) this.tooLong = true
      // Any string fits a string field: skip date recognition on the common path.
      if ((this.registry.types.get(path) ?? this.staged.get(path)) === 'string') return
    }
    const type = inferLeaf(value)
    if (type !== undefined) this.expect(path, type, value)
  }

  private expect(path: string, incoming: FieldType, value: unknown): boolean {
    const expected = this.registry.types.get(path) ?? this.staged.get(path)
    if (expected === undefined) {
      this.staged.set(path, incoming)
      return true
    }
    if (compatible(expected, incoming, value, this.mode)) return true
    if (this.errors === undefined) {
      this.errors = {}
      this.firstError = `Field '${path}' already exists for type '${this.category}' and has a data type of '${expected}' but possible types '${INCOMING_TYPES[incoming].join(', ')}' in the request.`
    }
    // Own keys only: a field named `constructor` or `toString` is not inherited from Object.
    if (!Object.hasOwn(this.errors, path)) {
      this.errors[path] = {
        incomingTypes: INCOMING_TYPES[incoming],
        expectedType: expected,
        _type: 'UnexpectedType',
        offendingValue: value,
        category: this.category,
      }
    }
    return false
  }
}

const EMPTY: ReadonlySet<string> = new Set()
