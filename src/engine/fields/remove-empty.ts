// removeEmptyValues (reference §3.4), compiled once per schema into closures, plus the top-level
// arrify of §3.5. It also isolates the caller: AJV coerces and strips IN PLACE, and a mapped payload
// may share objects with the input event (`@path` returns the event's own objects). So every value
// whose schema node has `properties` or `items` comes out as a fresh object/array; values under
// schema-less nodes (an object field without properties) stay shared: AJV never writes into them.

import type { JsonSchema, JsonType } from './json-schema.js'

const REMOVED: unique symbol = Symbol('removed')
/**
 * Cleans one value: returns the cleaned value, or REMOVED when the value must be dropped. `atRoot`:
 * single-mode root property.
 */
type Cleaner = (value: unknown, atRoot: boolean) => unknown
/** Copies the structure AJV may write into, without removing anything. */
type Copier = (value: unknown) => unknown

type Plain = Record<string, unknown>

const identity: Copier = (value) => value

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function typesOf(schema: JsonSchema): readonly JsonType[] {
  if (schema.type === undefined) return []
  return Array.isArray(schema.type) ? schema.type : [schema.type]
}

function assign(target: Plain, key: string, value: unknown): void {
  // A JSON key "__proto__" is an own property: keep it one instead of replacing the prototype.
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}

function compileCopier(schema: JsonSchema): Copier {
  const { properties, items } = schema
  if (properties) {
    const copiers: Array<[string, Copier]> = []
    for (const [key, sub] of Object.entries(properties)) {
      const copier = compileCopier(sub)
      if (copier !== identity) copiers.push([key, copier])
    }
    return (value) => {
      if (!isPlainObject(value)) return value
      const out: Plain = {}
      for (const key in value) assign(out, key, value[key])
      for (const [key, copier] of copiers) if (key in out) out[key] = copier(out[key])
      return out
    }
  }
  if (items) {
    const copyItem = compileCopier(items)
    return (value) => (Array.isArray(value) ? value.map(copyItem) : value)
  }
  return identity
}

/** Whether processing an array element with the item schema would remove it (only null or ""). */
function compileItemDrop(items: JsonSchema): (value: unknown) => boolean {
  if (items.type === undefined && items.enum === undefined) return () => false
  const types = typesOf(items)
  const dropNull = !types.includes('null')
  const dropEmpty = !types.includes('string')
  return (value) => (value === null && dropNull) || (value === '' && dropEmpty)
}

interface PropertyCleaner {
  clean: Cleaner
  /** Top-level array-typed properties are wrapped into an array when they are not one (§3.5). */
  arrayTyped: boolean
  copyItem: Copier
}

/**
 * `dropStripped`: do not copy keys that AJV will strip anyway (additionalProperties false), a
 * shortcut for the validation pipeline; the standalone removeEmptyValues keeps them.
 */
function compileObjectCleaner(
  properties: Record<string, JsonSchema>,
  additionalProperties: boolean,
  dropStripped: boolean,
): (value: Plain, atRoot: boolean, arrify: boolean) => Plain {
  const keepUnknown = additionalProperties || !dropStripped
  const cleaners = new Map<string, PropertyCleaner>()
  for (const [key, sub] of Object.entries(properties)) {
    cleaners.set(key, {
      clean: compileCleaner(sub, dropStripped),
      arrayTyped: typesOf(sub).includes('array'),
      copyItem: sub.items ? compileCopier(sub.items) : identity,
    })
  }
  return (value, atRoot, arrify) => {
    const out: Plain = {}
    for (const key in value) {
      const entry = cleaners.get(key)
      // Unknown keys: untouched by removeEmptyValues (stripped later by AJV when not allowed).
      if (entry === undefined) {
        if (keepUnknown) assign(out, key, value[key])
        continue
      }
      let cleaned = entry.clean(value[key], atRoot)
      if (cleaned === REMOVED) continue
      if (
        arrify &&
        entry.arrayTyped &&
        cleaned !== null &&
        cleaned !== undefined &&
        !Array.isArray(cleaned)
      ) {
        cleaned = [entry.copyItem(cleaned)]
      }
      out[key] = cleaned
    }
    return out
  }
}

function compileCleaner(schema: JsonSchema, dropStripped: boolean): Cleaner {
  // No type and no enum (e.g. an object field without properties): left untouched, no recursion.
  if (schema.type === undefined && schema.enum === undefined) return (value) => value
  const types = typesOf(schema)
  const keepNull = types.includes('null')
  const keepEmpty = types.includes('string')
  const cleanObject = schema.properties
    ? compileObjectCleaner(schema.properties, schema.additionalProperties !== false, dropStripped)
    : undefined
  const items = schema.items
  const dropItem = items ? compileItemDrop(items) : undefined
  const copyItem = items ? compileCopier(items) : identity

  return (value, atRoot) => {
    if (value === null) return keepNull ? null : REMOVED
    if (value === '') return keepEmpty && !atRoot ? '' : REMOVED
    if (Array.isArray(value)) {
      if (!dropItem) return value
      // Dropped elements are filtered out; kept ones are kept as they were (not cleaned), but copied.
      const out: unknown[] = []
      for (const element of value) if (!dropItem(element)) out.push(copyItem(element))
      return out
    }
    if (cleanObject && isPlainObject(value)) return cleanObject(value, false, false)
    return value
  }
}

export type PayloadCleaner = (payload: unknown, rootFlag: boolean) => unknown

/**
 * Compiles removeEmptyValues + top-level arrify for a root schema. `rootFlag` (single-event mode)
 * also removes top-level `""` whatever the field type. The result never shares a structure AJV
 * could write into with the input.
 */
export function compilePayloadCleaner(root: JsonSchema): PayloadCleaner {
  const cleanRoot = compileObjectCleaner(root.properties ?? {}, root.additionalProperties !== false, true)
  return (payload, rootFlag) => (isPlainObject(payload) ? cleanRoot(payload, rootFlag, true) : payload)
}

/**
 * The reference's removeEmptyValues on its own (no arrify, unknown keys kept), for tests and tools.
 * Not for hot paths: it compiles the schema on every call. Returns undefined when the value itself
 * is removed.
 */
export function removeEmptyValues(value: unknown, schema: JsonSchema, root = false): unknown {
  if (schema.properties && isPlainObject(value)) {
    return compileObjectCleaner(schema.properties, schema.additionalProperties !== false, false)(
      value,
      root,
      false,
    )
  }
  const cleaned = compileCleaner(schema, false)(value, false)
  return cleaned === REMOVED ? undefined : cleaned
}
