// A hand-rolled OpenAPI 3 description built from the admin routes' TypeBox schemas (collected with
// Fastify's onRoute hook).
import type { RouteOptions } from 'fastify'
import { VERSION } from '../../version.js'
import { ErrorResponse } from './schemas.js'

interface JsonSchemaObject {
  type?: string
  properties?: Record<string, Record<string, unknown>>
  required?: string[]
  [key: string]: unknown
}

interface RouteDocSchema {
  summary?: string
  description?: string
  tags?: string[]
  params?: JsonSchemaObject
  querystring?: JsonSchemaObject
  body?: JsonSchemaObject
  response?: Record<string, JsonSchemaObject>
}

export interface CollectedRoute {
  method: string
  url: string
  schema: RouteDocSchema
  /** Whether the route needs the admin token. */
  secured: boolean
}

function parameters(where: 'path' | 'query', schema: JsonSchemaObject | undefined): unknown[] {
  if (schema?.properties === undefined) return []
  const required = new Set(schema.required ?? [])
  return Object.entries(schema.properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }))
}

function pathParams(url: string): string[] {
  return [...url.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
}

function operation(route: CollectedRoute): Record<string, unknown> {
  const { schema } = route
  const params = parameters('path', schema.params)
  const declared = new Set(params.map((p) => (p as { name: string }).name))
  for (const name of pathParams(route.url)) {
    if (!declared.has(name)) params.push({ name, in: 'path', required: true, schema: { type: 'string' } })
  }
  const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/AdminError' } } }
  return {
    summary: schema.summary ?? `${route.method} ${route.url}`,
    ...(schema.description ? { description: schema.description } : {}),
    tags: schema.tags ?? [],
    parameters: [...params, ...parameters('query', schema.querystring)],
    ...(schema.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: schema.body } } } }
      : {}),
    responses: {
      '200': {
        description: 'Success (201 for creations)',
        content: { 'application/json': { schema: schema.response?.['200'] ?? { type: 'object' } } },
      },
      '400': { description: 'Validation failed', content: errorContent },
      ...(route.secured
        ? { '401': { description: 'Admin token missing or wrong', content: errorContent } }
        : {}),
      '404': { description: 'Not found', content: errorContent },
    },
    ...(route.secured ? {} : { security: [] }),
  }
}

/** Keeps the routes' schemas as they are registered. */
export class OpenApiCollector {
  readonly routes: CollectedRoute[] = []

  add(route: RouteOptions, secured: boolean): void {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) {
      if (method === 'HEAD') continue
      this.routes.push({
        method,
        url: route.url.replace(/:(\w+)/g, '{$1}'),
        schema: (route.schema ?? {}) as RouteDocSchema,
        secured,
      })
    }
  }

  document(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {}
    for (const route of this.routes) {
      const entry = (paths[route.url] ??= {})
      entry[route.method.toLowerCase()] = operation(route)
    }
    const { $id: _id, ...errorSchema } = ErrorResponse as unknown as Record<string, unknown>
    return {
      openapi: '3.0.3',
      info: {
        title: 'iterable-actions admin API',
        version: VERSION,
        description:
          'Configure sources, the Iterable destination and its mappings; test mappings; watch deliveries. ' +
          'Every route but this description needs the admin token (Authorization: Bearer <token> or X-Admin-Token).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          adminToken: { type: 'apiKey', in: 'header', name: 'X-Admin-Token' },
        },
        schemas: { AdminError: errorSchema },
      },
      security: [{ bearer: [] }, { adminToken: [] }],
      paths,
    }
  }
}
