// The subset of JSON Schema that field definitions are turned into (schema.ts) and validated with.

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null'

/** The subset of JSON Schema this module generates. */
export interface JsonSchema {
  title?: string
  description?: string
  type?: JsonType | JsonType[]
  format?: string
  default?: unknown
  enum?: unknown[]
  const?: unknown
  items?: JsonSchema
  properties?: Record<string, JsonSchema>
  additionalProperties?: boolean
  required?: string[]
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  allOf?: JsonSchema[]
  anyOf?: JsonSchema[]
  not?: JsonSchema
  if?: JsonSchema
  then?: JsonSchema
}
