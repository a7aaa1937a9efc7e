// Holds admin answers to the generated OpenAPI document: finds the operation of a request (method and
// concrete URL), its schema for the answer's status (exact, else 2XX/4XX/5XX), and validates the body
// with every object closed (additionalProperties: false unless the schema says otherwise), so a field a
// handler adds without its shape fails.
import { Ajv, type ValidateFunction } from 'ajv'

type Json = Record<string, unknown>

export interface OpenApiDocument {
  openapi: string
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, Json>; securitySchemes?: Json }
  security?: unknown[]
}

export interface Operation {
  security?: unknown[]
  responses: Record<string, { description: string; content?: Record<string, { schema?: Json }> }>
}

/** Keywords whose value maps names to schemas, and keywords whose value is data, not a schema. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'schemas'])
const DATA = new Set(['enum', 'const', 'default', 'examples', 'example', 'required'])

/** A copy of `schema` with every object closed and `$id`s dropped (they would clash once compiled twice). */
export function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed)
  if (typeof schema !== 'object' || schema === null) return schema
  const out: Json = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$id') continue
    out[key] = DATA.has(key)
      ? value
      : SCHEMA_MAPS.has(key)
        ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, closed(v)]))
        : closed(value)
  }
  const open = 'additionalProperties' in out || 'patternProperties' in out || !('properties' in out)
  if (out.type === 'object' && !open) out.additionalProperties = false
  return out
}

export class AnswerChecker {
  readonly #ajv = new Ajv({ strict: false, allErrors: true })
  readonly #compiled = new Map<string, ValidateFunction>()
  readonly #templates: { method: string; template: string; pattern: RegExp }[] = []
  readonly #components: unknown
  /** Every operation answered with a success status (`GET /api/admin/sources`). */
  readonly succeeded = new Set<string>()
  /** How many answers were checked. */
  checked = 0

  constructor(readonly doc: OpenApiDocument) {
    this.#components = closed(doc.components)
    for (const [template, methods] of Object.entries(doc.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`)
      for (const method of Object.keys(methods)) {
        this.#templates.push({ method: method.toUpperCase(), template, pattern })
      }
    }
    // Literal paths before templated ones (/dead-letters/groups before /dead-letters/{id}).
    this.#templates.sort((a, b) => count(a.template) - count(b.template))
  }

  /** The operation of a request (`GET /api/admin/sources/{id}`), or undefined. */
  operationOf(method: string, url: string): string | undefined {
    const path = url.split('?')[0]
    const found = this.#templates.find((t) => t.method === method && t.pattern.test(path))
    return found === undefined ? undefined : `${found.method} ${found.template}`
  }

  /** The document's schema for an answer, as `[where, schema]`; throws when the document has none. */
  schemaOf(operation: string, status: number, mediaType = 'application/json'): [string, Json] {
    const [method, template] = operation.split(' ')
    const responses = this.doc.paths[template][method.toLowerCase()].responses
    const key = [String(status), `${Math.floor(status / 100)}XX`, 'default'].find((k) => k in responses)
    const schema = key === undefined ? undefined : responses[key].content?.[mediaType]?.schema
    if (key === undefined || schema === undefined) {
      throw new Error(`${operation}: the OpenAPI document has no ${mediaType} answer for status ${status}`)
    }
    return [`${operation} → ${key}`, schema]
  }

  /** Validates one answer; returns the problems ([] when it matches). */
  problems(method: string, url: string, status: number, body: unknown): string[] {
    const operation = this.operationOf(method, url)
    if (operation === undefined) return [`${method} ${url}: no operation in the OpenAPI document`]
    const [where, schema] = this.schemaOf(operation, status)
    this.checked++
    if (status < 300) this.succeeded.add(operation)
    return this.validate(where, schema, body)
  }

  /** Validates a value against a schema of the document (closed); returns the problems. */
  validate(where: string, schema: Json, value: unknown): string[] {
    let validate = this.#compiled.get(where)
    if (validate === undefined) {
      validate = this.#ajv.compile({ ...(closed(schema) as Json), components: this.#components })
      this.#compiled.set(where, validate)
    }
    if (validate(value)) return []
    return (validate.errors ?? []).map(
      (e) => `${where}: ${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    )
  }

  /** The shared schema `#/components/schemas/<name>`. */
  component(name: string): Json {
    const schema = this.doc.components.schemas[name]
    if (schema === undefined) throw new Error(`no components.schemas.${name}`)
    return schema
  }
}

const count = (template: string): number => (template.match(/\{/g) ?? []).length
