// TypeBox schemas shared by the admin resources (request validation and the OpenAPI description).
import { Type } from '@sinclair/typebox'

export const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) })

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      path: Type.Optional(Type.String()),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'AdminError' },
)

/** Time in epoch ms or an ISO date (query strings). */
export const TimeParam = Type.String({ description: 'Epoch milliseconds or an ISO 8601 date' })

/** A JSON object whose keys are free (settings, fields, events). */
export const AnyObject = Type.Record(Type.String(), Type.Unknown())

// Documentation keywords on route schemas (Fastify ignores them; the OpenAPI builder reads them).
declare module 'fastify' {
  interface FastifySchema {
    summary?: string
    description?: string
    tags?: string[]
  }
}
