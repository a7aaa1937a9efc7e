// Validation of a mapping (reference §1.5), run once at compile time. Returns the reference's
// messages in the reference's order; an empty list means valid.
import { isPlainObject, realTypeOf } from './values.js'

type Stack = readonly string[]
/** A validator returns its messages; an empty list means valid. */
type Validator = (value: unknown, stack: Stack) => string[]

const NONE: string[] = []

function message(stack: Stack, text: string): string[] {
  return [`/${stack.join('/')} ${text}.`]
}

/** Validation's classification: any plain object with at least one `@` key is a directive. */
export function looksLikeDirective(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.keys(value).some((key) => key.startsWith('@'))
}

function typeWord(value: unknown): string {
  return looksLikeDirective(value) ? 'directive' : realTypeOf(value)
}

function withArticle(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`
}

function expected(stack: Stack, what: string, value: unknown): string[] {
  return message(stack, `should be ${what} but it is ${withArticle(typeWord(value))}`)
}

/** The top-level rule V: directives, then plain objects key by key; arrays and scalars are valid. */
export function validateValue(value: unknown, stack: Stack = []): string[] {
  if (looksLikeDirective(value)) return validateDirective(value, stack)
  if (isPlainObject(value)) {
    const errors: string[] = []
    for (const key of Object.keys(value)) errors.push(...validateValue(value[key], [...stack, key]))
    return errors
  }
  return NONE
}

const JSON_TYPES = new Set(['object', 'array', 'boolean', 'string', 'number', 'null'])

const directiveOrRaw: Validator = (value, stack) => {
  if (looksLikeDirective(value)) return validateDirective(value, stack)
  if (JSON_TYPES.has(realTypeOf(value))) return NONE
  return expected(stack, 'a mapping directive or a JSON value', value)
}

const directiveOrString: Validator = (value, stack) => {
  if (looksLikeDirective(value)) return validateDirective(value, stack)
  if (typeof value === 'string') return NONE
  return expected(stack, 'a string or a mapping directive', value)
}

const directiveOrObject: Validator = (value, stack) => {
  if (looksLikeDirective(value)) return validateDirective(value, stack)
  if (isPlainObject(value)) return validateValue(value, stack)
  return expected(stack, 'a object or a mapping directive', value) // sic, as the reference
}

const string: Validator = (value, stack) =>
  typeof value === 'string' ? NONE : expected(stack, 'a string', value)

const boolean: Validator = (value, stack) =>
  typeof value === 'boolean' ? NONE : expected(stack, 'a boolean', value)

const array: Validator = (value, stack) => (Array.isArray(value) ? NONE : expected(stack, 'an array', value))

function oneOf(...allowed: string[]): Validator {
  return (value, stack) => {
    const errors = string(value, stack)
    if (errors.length > 0) return errors
    const text = value as string
    if (allowed.includes(text.toLowerCase())) return NONE
    return message(stack, `should be one of ${allowed.join(', ')} but it is ${JSON.stringify(text)}`)
  }
}

function stringOfLength(min: number, max: number): Validator {
  return (value, stack) => {
    const errors = string(value, stack)
    if (errors.length > 0) return errors
    const length = (value as string).length
    if (length < min) return message(stack, `should be a string of length ${min} or greater`)
    if (length > max) return message(stack, `should be a string of length ${max} or less`)
    return NONE
  }
}

interface FieldRule {
  required: boolean
  check: Validator
}

const required = (check: Validator): FieldRule => ({ required: true, check })
const optional = (check: Validator): FieldRule => ({ required: false, check })

/** An options object: must be a plain object; every listed field is checked, all errors collected. */
function optionsObject(fields: Record<string, FieldRule>): Validator {
  return (value, stack) => {
    if (typeWord(value) !== 'object') return expected(stack, 'an object', value)
    const options = value as Record<string, unknown>
    const errors: string[] = []
    for (const [name, rule] of Object.entries(fields)) {
      const field = options[name]
      if (field === undefined) {
        if (rule.required) errors.push(...message(stack, `should have field "${name}" but it doesn't`))
        continue
      }
      errors.push(...rule.check(field, [...stack, name]))
    }
    return errors
  }
}

const mergeOptions = optionsObject({ objects: required(array), direction: optional(oneOf('left', 'right')) })

const DIRECTIVE_RULES: Record<string, Validator> = {
  '@if': optionsObject({
    exists: optional(directiveOrRaw),
    then: optional(directiveOrRaw),
    else: optional(directiveOrRaw),
  }),
  '@case': optionsObject({ operator: optional(string), value: optional(directiveOrString) }),
  '@replace': optionsObject({
    pattern: required(stringOfLength(1, 10)),
    replacement: optional(stringOfLength(0, 10)),
    value: required(directiveOrString),
    ignorecase: optional(boolean),
    global: optional(boolean),
  }),
  '@arrayPath': (value, stack) => {
    const errors = array(value, stack)
    if (errors.length > 0) return errors
    const [root, shape] = value as unknown[]
    return [...directiveOrString(root, stack), ...validateValue(shape, stack)]
  },
  '@path': directiveOrString,
  '@template': directiveOrString,
  '@literal': directiveOrRaw,
  '@json': optionsObject({ value: required(directiveOrRaw), mode: required(oneOf('encode', 'decode')) }),
  '@flatten': optionsObject({ value: required(directiveOrRaw), separator: optional(string) }),
  '@merge': (value, stack) => {
    const errors = mergeOptions(value, stack)
    if (errors.length > 0) return errors
    // The reference checks the elements without their path, and stops at the first bad one.
    for (const element of (value as { objects: unknown[] }).objects) {
      const elementErrors = directiveOrObject(element, [])
      if (elementErrors.length > 0) return elementErrors
    }
    return NONE
  },
  '@transform': optionsObject({ apply: required(directiveOrObject), mapping: required(directiveOrObject) }),
  '@excludeWhenNull': directiveOrRaw,
  '@liquid': string,
}

/** Names of every directive the language knows. */
export const DIRECTIVE_NAMES: ReadonlySet<string> = new Set(Object.keys(DIRECTIVE_RULES))

function validateDirective(value: Record<string, unknown>, stack: Stack): string[] {
  const keys = Object.keys(value)
  const directiveKeys = keys.filter((key) => key.startsWith('@'))
  if (directiveKeys.length > 1) {
    return message(stack, `should only have one @-prefixed key but it has ${directiveKeys.length} keys`)
  }
  if (keys.some((key) => !key.startsWith('@') && key !== '_metadata')) {
    return message(stack, `should only have one @-prefixed key but it has ${keys.length} keys`)
  }
  const name = directiveKeys[0]
  const rule = DIRECTIVE_RULES[name]
  if (!Object.hasOwn(DIRECTIVE_RULES, name) || rule === undefined) {
    return message(stack, `has an invalid directive: ${name}`)
  }
  return rule(value[name], [...stack, name])
}
