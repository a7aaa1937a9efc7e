import { readEnvelope } from './classify.js'
import type { BulkItem, BulkKind, BulkResponse } from './bulk-types.js'
import { normaliseFieldType, possibleFieldTypes } from './field-types.js'
import type { IterableFieldType } from './field-types.js'

export const FIELD_TYPES_MISMATCHED = 'RequestFieldsTypesMismatched'

/** One entry of `params.validationErrors`, normalised. */
export interface FieldTypeError {
  /** The field as Iterable named it, without a `<project>:::` prefix (may be a dotted path). */
  readonly field: string
  readonly expectedType?: IterableFieldType
  /** Types Iterable saw for the incoming value (`keyword` → `string`, …); may be empty. */
  readonly incomingTypes: ReadonlySet<IterableFieldType>
  readonly offendingValue?: unknown
  readonly category?: string
}

/** An item found to carry a value that does not fit the field's stored type. */
export interface MismatchedItem {
  readonly index: number
  readonly error: FieldTypeError
}

/** True for Iterable's 400 `RequestFieldsTypesMismatched` (the whole bulk request was refused). */
export function isFieldTypeMismatch(response: Pick<BulkResponse, 'status' | 'body'>): boolean {
  return response.status === 400 && readEnvelope(response.body).code === FIELD_TYPES_MISMATCHED
}

/** Reads `params.validationErrors` of a mismatch answer; `[]` when absent or unreadable. */
export function readValidationErrors(body: unknown): FieldTypeError[] {
  const params = readEnvelope(body).params
  if (params === null || typeof params !== 'object') return []
  const errors = (params as { validationErrors?: unknown }).validationErrors
  if (errors === null || typeof errors !== 'object' || Array.isArray(errors)) return []
  const result: FieldTypeError[] = []
  for (const [key, raw] of Object.entries(errors as Record<string, unknown>)) {
    // Keys are `<field>` or `<projectName>:::<field>`.
    const separator = key.lastIndexOf(':::')
    const field = separator === -1 ? key : key.slice(separator + 3)
    if (field === '') continue
    const entry = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {}
    const incomingTypes = new Set<IterableFieldType>()
    if (Array.isArray(entry.incomingTypes)) {
      for (const name of entry.incomingTypes) {
        const type = normaliseFieldType(name)
        if (type !== undefined) incomingTypes.add(type)
      }
    }
    result.push({
      field,
      expectedType: normaliseFieldType(entry.expectedType),
      incomingTypes,
      ...('offendingValue' in entry ? { offendingValue: entry.offendingValue } : {}),
      ...(typeof entry.category === 'string' ? { category: entry.category } : {}),
    })
  }
  return result
}

/**
 * Finds the items of a bulk body that caused a 400 `RequestFieldsTypesMismatched`, with the error
 * each one matched (first match per item). `null` when the answer is no such error or its
 * `validationErrors` identify no item — the caller then splits the batch instead.
 */
export function locateMismatchedItems(
  kind: BulkKind,
  items: readonly BulkItem[],
  response: Pick<BulkResponse, 'status' | 'body'>,
): MismatchedItem[] | null {
  if (!isFieldTypeMismatch(response)) return null
  const errors = readValidationErrors(response.body).filter((error) => appliesTo(kind, error))
  if (errors.length === 0) return null
  const found: MismatchedItem[] = []
  for (let index = 0; index < items.length; index++) {
    const dataFields = items[index].dataFields
    if (dataFields === null || typeof dataFields !== 'object') continue
    for (const error of errors) {
      if (carriesMismatch(dataFields, error)) {
        found.push({ index, error })
        break
      }
    }
  }
  return found.length > 0 ? found : null
}

/** Indexes (ascending) of the offending items, or `null` when they cannot be identified. */
export function findMismatchedItems(
  kind: BulkKind,
  items: readonly BulkItem[],
  response: Pick<BulkResponse, 'status' | 'body'>,
): number[] | null {
  const located = locateMismatchedItems(kind, items, response)
  return located === null ? null : located.map((item) => item.index)
}

/**
 * The one "does this item fit" rule (used to locate offenders and by `FieldTypeMemory.screen`):
 * true when `dataFields` holds, at the error's field, a value that does not fit its expected type.
 */
export function carriesMismatch(dataFields: unknown, error: FieldTypeError): boolean {
  if (dataFields === null || typeof dataFields !== 'object') return false
  return valuesAt(dataFields, error.field).some((value) => offends(value, error))
}

/** User fields are typed per project, event fields per event; an error of the other kind is ignored. */
export function appliesTo(kind: BulkKind, error: FieldTypeError): boolean {
  if (error.category === undefined) return true
  const isUser = error.category.toLowerCase() === 'user'
  return kind === 'users' ? isUser : !isUser
}

/**
 * Values at a field path in dataFields: the literal key first (names may contain dots), otherwise
 * the dotted path, fanning out over arrays (Iterable flattens arrays of objects the same way).
 */
function valuesAt(dataFields: object, field: string): unknown[] {
  const record = dataFields as Record<string, unknown>
  if (Object.prototype.hasOwnProperty.call(record, field)) return leaves(record[field])
  if (!field.includes('.')) return []
  let current: unknown[] = [dataFields]
  for (const segment of field.split('.')) {
    const next: unknown[] = []
    for (const node of current) collectChild(node, segment, next)
    if (next.length === 0) return []
    current = next
  }
  return current.flatMap(leaves)
}

function collectChild(node: unknown, segment: string, into: unknown[]): void {
  if (Array.isArray(node)) {
    for (const element of node) collectChild(element, segment, into)
  } else if (
    node !== null &&
    typeof node === 'object' &&
    Object.prototype.hasOwnProperty.call(node, segment)
  ) {
    into.push((node as Record<string, unknown>)[segment])
  }
}

/** Arrays are typed by their elements. */
function leaves(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(leaves) : [value]
}

/**
 * A value offends when it is the reported offending value, or when none of the types it can be
 * stored as is the expected type — and, if Iterable listed the incoming types, it can be one of
 * them. Without incoming types a whole number in a double field is not counted (JSON cannot tell
 * `5.0` from `5`). `null` deletes a field and never offends.
 */
function offends(value: unknown, error: FieldTypeError): boolean {
  if (value === null || value === undefined) return false
  if (error.offendingValue !== undefined && error.offendingValue !== null && value === error.offendingValue)
    return true
  const expected = error.expectedType
  if (expected === undefined) return false
  const possible = possibleFieldTypes(value)
  if (possible.size === 0 || possible.has(expected)) return false
  if (error.incomingTypes.size > 0) {
    for (const type of possible) if (error.incomingTypes.has(type)) return true
    return false
  }
  return !(expected === 'double' && possible.has('long'))
}
