// The answer of POST /test-mapping: per mapping evaluated, whether its trigger matched, the payload,
// its validation and the requests it would send (with Iterable's answers when sent).
import { Type } from '@sinclair/typebox'
import { FreeObject, Nullable } from './common.js'

/** A request as test mapping shows it: one by one (no bulk), follow-ups after it. */
export const ShownRequest = Type.Object({
  method: Type.Union(['POST', 'PUT', 'PATCH', 'DELETE'].map((m) => Type.Literal(m))),
  url: Type.String(),
  path: Type.String(),
  headers: Type.Record(Type.String(), Type.String()),
  body: Type.Optional(Type.Unknown({ description: 'Absent for requests sent without a body' })),
})

/** Iterable's answer to one request sent (`send: true`); the API key is never echoed. */
export const SentResponse = Type.Object({
  url: Type.String(),
  status: Nullable(Type.Integer()),
  ok: Type.Boolean(),
  outcome: Type.String({ description: 'The Iterable client’s outcome kind (success, retry, …)' }),
  body: Type.Unknown(),
  durationMs: Type.Number(),
})

export const PayloadValidation = Type.Union([
  Type.Object({ ok: Type.Literal(true) }),
  Type.Object({
    ok: Type.Literal(false),
    message: Type.String(),
    errors: Type.Array(Type.Object({ path: Type.String(), keyword: Type.String(), message: Type.String() }), {
      description: 'The fields at fault',
    }),
  }),
  Type.Object({
    ok: Type.Literal(false),
    message: Type.String(),
    code: Type.String({ description: 'MAPPING_RUNTIME, or the action’s refusal' }),
  }),
])

export const TestResult = Type.Object({
  mappingId: Nullable(Type.String()),
  mapping: Type.String({ description: 'Its name' }),
  action: Type.String(),
  matched: Type.Boolean(),
  triggerError: Nullable(
    Type.Object(
      { code: Type.String(), message: Type.String() },
      { description: 'The trigger failed on this event (it is then not matched)' },
    ),
  ),
  payload: Type.Unknown({ description: 'The mapped payload (null when the mapping failed)' }),
  validation: PayloadValidation,
  requests: Type.Array(ShownRequest),
  responses: Type.Optional(Type.Array(SentResponse, { description: 'With send: true' })),
})

export const TestMappingAnswer = Type.Object({
  event: FreeObject,
  destinationId: Type.String(),
  sent: Type.Boolean(),
  results: Type.Array(TestResult),
})
