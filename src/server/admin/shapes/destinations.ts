// Answers of the destinations routes: settings with the API key masked, the delivery state, the
// connection test and the subscription group choices.
import { Type } from '@sinclair/typebox'
import { Nullable, Time } from './common.js'

/** The API key is write-only: whether one is set, and its last 4 characters for keys of 12+. */
export const ApiKeyView = Type.Object({
  set: Type.Boolean(),
  hint: Nullable(Type.String({ description: '"…abcd" (only "…" for short keys); null when not set' })),
})

export const DestinationState = Type.Union(
  ['delivering', 'paused', 'disabled', 'no-api-key', 'not-loaded'].map((s) => Type.Literal(s)),
)

export const Destination = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String({ description: 'iterable' }),
  enabled: Type.Boolean(),
  settings: Type.Object({
    apiKey: ApiKeyView,
    dataCenterLocation: Type.Optional(Type.String({ description: 'united_states or europe' })),
    projectType: Type.Optional(Type.String({ description: 'email, userId or hybrid' })),
  }),
  paused: Nullable(
    Type.Object(
      { reason: Type.String(), since: Time() },
      { description: 'Paused after a 401 from Iterable' },
    ),
  ),
  state: DestinationState,
  baseUrl: Type.String({ description: 'Where requests really go (region, or the service override)' }),
  createdAt: Time(),
  updatedAt: Time(),
})

export const DestinationList = Type.Object({ items: Type.Array(Destination) })

export const Resumed = Type.Object({ resumed: Type.String({ description: 'The destination resumed' }) })

/** Iterable took the key (ok) or refused it (its status and code); 200 either way. */
export const ConnectionTest = Type.Union([
  Type.Object({ ok: Type.Literal(true), baseUrl: Type.String(), message: Type.String() }),
  Type.Object({
    ok: Type.Literal(false),
    baseUrl: Type.String(),
    status: Type.Integer({ description: 'Iterable’s HTTP status' }),
    code: Type.String({ description: 'INVALID_CREDENTIALS' }),
    message: Type.String(),
  }),
])

export const GroupChoices = Type.Object({
  items: Type.Array(Type.Object({ label: Type.String(), value: Type.String() })),
})
