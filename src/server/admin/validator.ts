// Request validation for the admin routes: bodies are checked strictly (no type coercion, unknown
// properties rejected rather than silently dropped, as Fastify's default would), while query strings
// and path parameters are coerced from text (`limit=10` → 10).
import { Ajv } from 'ajv'
import type { FastifySchema, FastifySchemaCompiler } from 'fastify'

const strict = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: true, strict: false })
const coercing = new Ajv({ coerceTypes: 'array', removeAdditional: false, useDefaults: true, strict: false })

export const adminValidatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : coercing).compile(schema as object)
