// Field definitions → JSON Schema (reference §3.3). The schema drives empty-value removal,
// AJV validation/coercion and the error sentences (titles come from field labels).

import { conditionalRule } from './conditions.js'
import type { JsonSchema, JsonType } from './json-schema.js'
import type { ConditionalRequired, FieldDefinition, FieldDefinitions, FieldType } from './types.js'

const JSON_TYPE: Record<FieldType, JsonType | JsonType[]> = {
  string: 'string',
  text: 'string',
  password: 'string',
  number: 'number',
  integer: 'integer',
  boolean: 'boolean',
  datetime: ['string', 'number'],
  object: 'object',
}

/** Formats forced by the field type; a user `format` is ignored for these types. */
const FORCED_FORMAT: Partial<Record<FieldType, string>> = {
  datetime: 'date-like',
  password: 'password',
  text: 'text',
}

function choiceValues(choices: FieldDefinition['choices']): unknown[] | undefined {
  if (!choices) return undefined
  return choices.map((choice) => (typeof choice === 'string' ? choice : choice.value))
}

function asList(type: JsonType | JsonType[]): JsonType[] {
  return Array.isArray(type) ? [...type] : [type]
}

/** Collects conditional requirements while walking nested properties; they all land in the root `allOf`. */
type ConditionalSink = Array<{ path: string[]; required: ConditionalRequired }>

function fieldSchema(field: FieldDefinition, path: string[], sink: ConditionalSink): JsonSchema {
  const baseType = JSON_TYPE[field.type]
  const schema: JsonSchema = { title: field.label }
  if (field.description !== undefined) schema.description = field.description
  schema.type = baseType
  const format = FORCED_FORMAT[field.type] ?? field.format
  if (format !== undefined) schema.format = format
  if (field.default !== undefined) schema.default = field.default

  const choices = choiceValues(field.choices)
  if (choices) schema.enum = choices
  if (field.allowNull) {
    schema.type = [...asList(baseType), 'null']
    if (schema.enum) schema.enum = [...schema.enum, null]
  }

  if (field.multiple) {
    // Only type and enum move to the items; format and length bounds stay on the array, where
    // they have no effect (as in the reference).
    const items: JsonSchema = { type: baseType }
    if (choices) items.enum = choices
    schema.items = items
    schema.type = field.allowNull ? ['array', 'null'] : 'array'
    delete schema.enum
  }

  if (field.type === 'object' && field.properties) {
    const nested = objectSchema(field.properties, field.additionalProperties ?? false, path, sink)
    if (field.multiple) schema.items = nested
    else Object.assign(schema, nested, { type: schema.type })
  }

  // Bounds only when truthy: a 0 bound is ignored, as in the reference.
  if (field.type === 'string') {
    if (field.minimum) schema.minLength = field.minimum
    if (field.maximum) schema.maxLength = field.maximum
  } else if (field.type === 'number') {
    if (field.minimum) schema.minimum = field.minimum
    if (field.maximum) schema.maximum = field.maximum
  }
  return schema
}

function objectSchema(
  fields: FieldDefinitions,
  additionalProperties: boolean,
  path: string[],
  sink: ConditionalSink,
): JsonSchema {
  const properties: Record<string, JsonSchema> = {}
  const required: string[] = []
  let hasConditional = false
  for (const [key, field] of Object.entries(fields)) {
    properties[key] = fieldSchema(field, [...path, key], sink)
    if (field.required === true) required.push(key)
    else if (field.required && typeof field.required === 'object') {
      hasConditional = true
      sink.push({ path: [...path, key], required: field.required })
    }
  }
  const schema: JsonSchema = { type: 'object', additionalProperties, properties }
  // Reference quirk: a nested object loses its whole `required` list when one of its
  // properties is conditionally required (the root keeps it).
  const keepRequired = path.length === 0 || !hasConditional
  if (keepRequired && required.length > 0) schema.required = required
  return schema
}

/** The root JSON Schema of a set of fields, or undefined when there are no fields (no validation at all). */
export function fieldsToJsonSchema(fields: FieldDefinitions): JsonSchema | undefined {
  if (Object.keys(fields).length === 0) return undefined
  const sink: ConditionalSink = []
  const root = objectSchema(fields, false, [], sink)
  if (sink.length > 0) root.allOf = sink.map(({ path, required }) => conditionalRule(path, required))
  return root
}
