// AJV errors → the reference's human sentences (AggregateAjvError, §3.5). Each sentence names the
// value by its schema title (the field label), else `The root value` / `The value at <pointer>`,
// starts with a capital letter and ends with a period; the message joins them with spaces.

import type { ErrorObject } from './ajv.js'

export interface FieldError {
  /** JSON pointer of the offending value in the payload (`''` = the payload itself). */
  path: string
  /** The AJV keyword that failed (`required`, `type`, `format`, …). */
  keyword: string
  message: string
}

const FORMAT_LABELS: Record<string, string> = {
  'date-time': 'date and time',
  time: 'time',
  date: 'date',
  email: 'email address',
  hostname: 'hostname',
  ipv4: 'IPv4 address',
  ipv6: 'IPv6 address',
  uri: 'URI',
  'uri-reference': 'URI Reference',
  'uri-template': 'URI-template',
  'json-pointer': 'JSON Pointer',
  'relative-json-pointer': 'relative JSON Pointer',
  regex: 'regular expression',
}

function withArticle(type: string): string {
  if (type === 'null') return 'null'
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

/** `a`, `a or b`, `a, b, or c`. */
function humanList(items: readonly string[]): string {
  if (items.length <= 2) return items.join(' or ')
  return `${items.slice(0, -1).join(', ')}, or ${items[items.length - 1]}`
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (Array.isArray(value)) return 'an array'
  return withArticle(typeof value)
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function subjectOf(error: ErrorObject): string {
  const title = (error.parentSchema as { title?: unknown } | undefined)?.title
  if (typeof title === 'string' && title !== '') return title
  return error.instancePath === '' ? 'The root value' : `The value at ${error.instancePath}`
}

function predicateOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return `is missing the required field '${String(params.missingProperty)}'`
    case 'type': {
      const expected = Array.isArray(params.type) ? (params.type as string[]) : String(params.type).split(',')
      const [first, ...rest] = expected
      return `must be ${humanList([withArticle(first), ...rest])} but it was ${describeValue(error.data)}`
    }
    case 'format': {
      const format = String(params.format)
      return `must be a valid ${FORMAT_LABELS[format] ?? format} string but it was not`
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((value) => JSON.stringify(value))
      return `must be one of: ${humanList(allowed)}`
    }
    case 'minLength':
    case 'maxLength': {
      const direction = error.keyword === 'minLength' ? 'more' : 'fewer'
      const actual = typeof error.data === 'string' ? error.data.length : 0
      return `must be ${plural(Number(params.limit), 'character')} or ${direction} but it was ${plural(actual, 'character')}`
    }
    case 'minimum':
      return `must be equal to or greater than ${String(params.limit)}`
    case 'maximum':
      return `must be equal to or less than ${String(params.limit)}`
    default:
      // Keywords the reference does not humanise (`if`, …) keep AJV's own text.
      return error.message ?? `failed the "${error.keyword}" check`
  }
}

function sentence(error: ErrorObject): string {
  const text = `${subjectOf(error)} ${predicateOf(error)}`
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
}

export function toFieldErrors(errors: readonly ErrorObject[]): FieldError[] {
  return errors.map((error) => ({
    path: error.instancePath,
    keyword: error.keyword,
    message: sentence(error),
  }))
}

/** The AggregateAjvError message: the sentences joined by a space. */
export function joinMessages(errors: readonly FieldError[]): string {
  return errors.map((error) => error.message).join(' ')
}
