// Answers of the sources routes: a source shows its write key only as a hint, except right after it
// was created or rotated.
import { Type } from '@sinclair/typebox'
import { Nullable, Time } from './common.js'

export const Source = Type.Object({
  id: Type.String(),
  name: Type.String(),
  writeKeyHint: Type.String({ description: '"…" and the last 4 characters of the write key' }),
  active: Type.Boolean(),
  createdAt: Time(),
  revokedAt: Nullable(Time()),
})

export const SourceList = Type.Object({ items: Type.Array(Source) })

/** The one answer that carries a full write key: right after create (201). */
export const NewWriteKey = Type.Object({
  source: Source,
  writeKey: Type.String({ description: 'The full write key: shown this once, never again' }),
})

/** Rotate: the new source and key, and the id of the source it replaces (revoked at once). */
export const RotatedWriteKey = Type.Object({
  source: Source,
  writeKey: Type.String({ description: 'The full write key: shown this once, never again' }),
  replaces: Type.String({ description: 'The revoked source' }),
})

export const RevokedSource = Type.Object({ source: Source })
