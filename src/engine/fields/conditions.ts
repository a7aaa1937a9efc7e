// Conditional `required` (reference §3.3) as JSON Schema `if`/`then` rules placed in the root `allOf`.
// The `if` parts use only `required`, `const` and `not`: no `type`, so AJV's coercion never runs
// (and never writes) while a condition is being tested.

import type { JsonSchema } from './json-schema.js'
import type { ConditionalRequired } from './types.js'

type Condition = ConditionalRequired['conditions'][number]

/** A test on the key `key` of the object at hand. */
function leafTest(key: string, condition: Condition, single: boolean): JsonSchema {
  const { operator, value } = condition
  const present: JsonSchema = { required: [key] }
  if (value === undefined) {
    // Alone, "is undefined" means absent or null; among several conditions null is not considered.
    const presentNotNull: JsonSchema = { required: [key], properties: { [key]: { not: { const: null } } } }
    if (operator === 'is') return { not: single ? presentNotNull : present }
    return single ? presentNotNull : present
  }
  const equals: JsonSchema = { const: value }
  return { required: [key], properties: { [key]: operator === 'is' ? equals : { not: equals } } }
}

/** A test on a dotted key (`parent.child`): every parent must be present. */
function conditionTest(condition: Condition, single: boolean): JsonSchema {
  const path = condition.fieldKey.split('.')
  let schema = leafTest(path[path.length - 1], condition, single)
  for (let i = path.length - 2; i >= 0; i--) {
    schema = { required: [path[i]], properties: { [path[i]]: schema } }
  }
  return schema
}

/** `path` must exist: each parent object required and holding the next key. */
function requirePath(path: readonly string[]): JsonSchema {
  let schema: JsonSchema = { required: [path[path.length - 1]] }
  for (let i = path.length - 2; i >= 0; i--) {
    schema = { required: [path[i]], properties: { [path[i]]: schema } }
  }
  return schema
}

/** The rule "the field at `path` is required when `required`'s conditions hold". */
export function conditionalRule(path: readonly string[], required: ConditionalRequired): JsonSchema {
  const single = required.conditions.length === 1
  const tests = required.conditions.map((condition) => conditionTest(condition, single))
  let condition: JsonSchema
  if (tests.length === 1) condition = tests[0]
  else condition = required.match === 'any' ? { anyOf: tests } : { allOf: tests }
  return { if: condition, then: requirePath(path) }
}
