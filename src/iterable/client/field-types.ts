/**
 * Iterable's field types as its type validator infers them from JSON values
 * (iterable-api.md §7.1–7.2), used to find which bulk item caused a type mismatch.
 */
export type IterableFieldType = 'string' | 'date' | 'long' | 'double' | 'boolean' | 'object' | 'geo_location'

/**
 * The string forms Iterable recognises as dates: `yyyy-MM-dd`, `yyyy-MM-dd HH:mm:ss`,
 * `yyyy-MM-dd HH:mm:ss ±HH:mm`, `yyyy-MM-ddTHH:mm:ss.SSS±HH:mm`, `yyyy-MM-ddTHH:mm:ss.SSSZ`.
 * ISO without milliseconds, a space with `.SSS`, slashes, … are plain strings.
 */
const DATE_PATTERN =
  /^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}(?: [+-]\d{2}:\d{2})?|T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|[+-]\d{2}:\d{2}))?$/

const STRING_TYPES: ReadonlySet<IterableFieldType> = new Set(['string'])
const DATE_STRING_TYPES: ReadonlySet<IterableFieldType> = new Set(['date', 'string'])
const LONG_TYPES: ReadonlySet<IterableFieldType> = new Set(['long'])
const DOUBLE_TYPES: ReadonlySet<IterableFieldType> = new Set(['double'])
const BOOLEAN_TYPES: ReadonlySet<IterableFieldType> = new Set(['boolean'])
const OBJECT_TYPES: ReadonlySet<IterableFieldType> = new Set(['object'])
const GEO_TYPES: ReadonlySet<IterableFieldType> = new Set(['geo_location', 'object'])
const NO_TYPES: ReadonlySet<IterableFieldType> = new Set()

/**
 * The types a JSON value can be stored as: a date-shaped string is a date or a string, any other
 * string only a string; an integer a long; a fraction a double; `{lat, lon}` a geo_location or an
 * object. `null` has none (it deletes the field and cannot mismatch). Arrays are typed by their
 * elements, so they are handled by the caller.
 */
export function possibleFieldTypes(value: unknown): ReadonlySet<IterableFieldType> {
  switch (typeof value) {
    case 'string':
      return DATE_PATTERN.test(value) ? DATE_STRING_TYPES : STRING_TYPES
    case 'number':
      return Number.isInteger(value) ? LONG_TYPES : DOUBLE_TYPES
    case 'boolean':
      return BOOLEAN_TYPES
    case 'object':
      if (value === null) return NO_TYPES
      return isGeoLocation(value) ? GEO_TYPES : OBJECT_TYPES
    default:
      return NO_TYPES
  }
}

function isGeoLocation(value: object): boolean {
  const record = value as Record<string, unknown>
  return typeof record.lat === 'number' && typeof record.lon === 'number'
}

/**
 * Normalises a type name from Iterable's `validationErrors` (`expectedType`, `incomingTypes`):
 * Iterable reports storage names such as `keyword`/`text` for strings, `Boolean`, `nested`.
 * Unknown names give `undefined`.
 */
export function normaliseFieldType(name: unknown): IterableFieldType | undefined {
  if (typeof name !== 'string') return undefined
  switch (name.toLowerCase()) {
    case 'string':
    case 'keyword':
    case 'text':
      return 'string'
    case 'date':
      return 'date'
    case 'long':
    case 'integer':
    case 'int':
    case 'short':
    case 'byte':
      return 'long'
    case 'double':
    case 'float':
    case 'half_float':
    case 'scaled_float':
      return 'double'
    case 'boolean':
    case 'bool':
      return 'boolean'
    case 'object':
    case 'nested':
      return 'object'
    case 'geo_location':
    case 'geo_point':
      return 'geo_location'
    default:
      return undefined
  }
}
