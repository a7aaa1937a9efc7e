// Answers of the mappings routes: a mapping with its outcome counts (and, on one mapping or a save,
// the warnings of its validation).
import { Type } from '@sinclair/typebox'
import { Counts, FreeObject, Nullable, Time } from './common.js'

export const Batching = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    size: Type.Optional(Type.Number({ description: 'Items per bulk request' })),
  },
  { description: 'Explicit batching (null: from the fields, or the action’s default)' },
)

const mappingProperties = {
  id: Type.String(),
  destinationId: Type.String(),
  name: Type.String(),
  enabled: Type.Boolean(),
  trigger: Type.String({ description: 'Subscription language (FQL)' }),
  action: Type.String(),
  fields: FreeObject,
  batching: Nullable(Batching),
  position: Type.Integer(),
  createdAt: Time(),
  updatedAt: Time(),
  counts: Counts,
}

/** A mapping as GET /mappings lists it (no warnings). */
export const ListedMapping = Type.Object(mappingProperties)

/** One mapping, or the answer to a save: with the warnings of its validation. */
export const Mapping = Type.Object({
  ...mappingProperties,
  warnings: Type.Optional(Type.Array(Type.String())),
})

export const MappingList = Type.Object({
  items: Type.Array(ListedMapping),
  limit: Type.Integer({ description: 'The most mappings a destination may have' }),
  countsSince: Time('Counts are outcome rows since then (epoch ms)'),
})

export const MappingDeleted = Type.Object({ deleted: Type.String({ description: 'The mapping deleted' }) })
