// Pieces shared by the admin API's answer shapes: the error shape, nullable values, outcome counts and
// the requests an item sends. Only TypeBox here: the web UI derives its types from these files.
import { Type, type TSchema } from '@sinclair/typebox'

/** The one error shape of every admin answer (400, 401, 404, 409, 5xx …). Shared as `AdminError`. */
export const AdminError = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable: scripts may switch on it' }),
      message: Type.String({ description: 'What is wrong, in words' }),
      path: Type.Optional(
        Type.String({ description: 'The part of the request at fault, e.g. body.trigger' }),
      ),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'AdminError', description: 'An error' },
)

/** `schema` or null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/** Epoch milliseconds. */
export const Time = (description = 'Epoch ms') => Type.Number({ description })

/** Any JSON value (stored events, payloads, Iterable's answers). */
export const AnyJson = Type.Unknown()

/** A JSON object whose keys are free (fields, events). */
export const FreeObject = Type.Record(Type.String(), Type.Unknown())

export const OutcomeKind = Type.Union([
  Type.Literal('delivered'),
  Type.Literal('failed'),
  Type.Literal('retrying'),
  Type.Literal('dead'),
])

export const Counts = Type.Object({
  delivered: Type.Integer(),
  failed: Type.Integer(),
  retrying: Type.Integer(),
  dead: Type.Integer(),
})

/** A request an item sends (or sent), at the URL delivery sends it to. */
export const SentRequest = Type.Object({
  method: Type.Union(['POST', 'PUT', 'PATCH', 'DELETE'].map((m) => Type.Literal(m))),
  url: Type.String(),
  body: Type.Optional(Type.Unknown({ description: 'Absent for requests sent without a body' })),
  bulkItemOf: Type.Optional(
    Type.String({ description: 'The body is one item of a bulk request, under this list key' }),
  ),
  followUp: Type.Optional(Type.Literal(true, { description: 'Sent after the main request succeeded' })),
})

/** A line of the outcome log, with what it sends instead of the stored payload. */
export const OutcomeView = Type.Object({
  id: Type.Integer(),
  destinationId: Type.String(),
  at: Time(),
  outcome: OutcomeKind,
  mappingId: Nullable(Type.String()),
  action: Type.String(),
  eventId: Nullable(Type.Integer()),
  ordinal: Nullable(Type.Integer()),
  messageId: Type.String(),
  userKey: Nullable(Type.String()),
  statusCode: Nullable(Type.Integer()),
  errorCode: Nullable(Type.String()),
  errorMessage: Nullable(Type.String()),
  sent: Nullable(Type.Array(SentRequest)),
})

/** A page of items and the cursor of the next page (null at the end). */
export const Page = <T extends TSchema>(item: T, cursorDescription: string) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: Nullable(Type.Integer({ description: cursorDescription })),
  })
