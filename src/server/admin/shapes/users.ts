// Answers of the users routes (right to be forgotten): the result of an action and its audit, which
// hold salted hashes only, never the user's identifiers.
import { Type } from '@sinclair/typebox'
import { Nullable, Time } from './common.js'

const Deleted = Type.Object(
  {
    events: Type.Integer(),
    outcomes: Type.Integer(),
    parked: Type.Integer(),
    deadLetters: Type.Integer(),
    attempts: Type.Integer(),
  },
  { description: 'This service’s own rows deleted' },
)

const ProjectResult = Type.Object({
  destinationId: Type.String(),
  destinationName: Type.String(),
  outcome: Type.String({ description: 'succeeded | failed' }),
  status: Nullable(Type.Integer({ description: 'Iterable’s HTTP status' })),
  code: Nullable(Type.String()),
  message: Type.String(),
})

export const PrivacyResult = Type.Object({
  id: Type.Integer({ description: 'The audit record' }),
  at: Time(),
  action: Type.String({ description: 'forget | unforget | delete' }),
  subjectHash: Type.String({ description: 'Salted hashes of the user’s identifiers (no personal data)' }),
  outcome: Type.String({ description: 'succeeded | partial | failed (at Iterable, over the projects)' }),
  projects: Type.Array(ProjectResult),
  deleted: Nullable(Deleted),
})

export const PrivacyAuditRecord = Type.Object({
  id: Type.Integer(),
  at: Time(),
  action: Type.String(),
  subjectHash: Type.String(),
  outcome: Type.String(),
  projects: Type.Array(
    Type.Object({
      destinationId: Type.String(),
      outcome: Type.String(),
      status: Nullable(Type.Integer()),
      code: Nullable(Type.String()),
    }),
  ),
  deleted: Nullable(Deleted),
})

export const PrivacyAudit = Type.Object({ items: Type.Array(PrivacyAuditRecord) })
