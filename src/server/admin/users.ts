// The right to be forgotten (docs/admin-api.md#users): forget, unforget or delete one user at
// Iterable and here, and the audit of those actions (no personal data: salted hashes only).
import { Type, type Static } from '@sinclair/typebox'
import type { PrivacyRecord } from '../../store/types.js'
import { type PrivacyAction } from '../privacy/iterable-calls.js'
import { UserPrivacy } from '../privacy/user-privacy.js'
import type { Resource } from './context.js'
import { AdminApiError, notFound } from './errors.js'
import { answers } from './schemas.js'
import { Shapes } from './shapes/index.js'

const UserBody = Type.Object(
  {
    email: Type.Optional(Type.String({ minLength: 1, description: 'The user’s email' })),
    userId: Type.Optional(Type.String({ minLength: 1, description: 'The user’s userId' })),
    destination: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Only this destination’s project (default: every enabled one)',
      }),
    ),
  },
  { additionalProperties: false },
)

const AuditQuery = Type.Object({
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'Records with a smaller id (paging)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Default 100' })),
})

const DESCRIPTIONS: Record<PrivacyAction, string> = {
  forget:
    'Drops the user’s queued items, deletes this service’s copies of their data (events, outcomes, parked ' +
    'items, dead letters, requests), keeps their later events out (drop or refuse, `--forgotten-users`) and ' +
    'calls Iterable’s POST /api/users/forget for every enabled destination’s project (or the one named).',
  unforget:
    'Lets the user’s events in again and calls Iterable’s POST /api/users/unforget. Deleted data does not come back.',
  delete:
    'Like forget, but without blocking later data: drops queued items, deletes this service’s copies and calls ' +
    'Iterable’s DELETE /api/users/byUserId/{userId} (or /api/users/{email}).',
}

function readUser(body: Static<typeof UserBody>): { email?: string; userId?: string } {
  if (body.email === undefined && body.userId === undefined) {
    throw new AdminApiError(
      400,
      'identifier_required',
      'Name the user: give "email", "userId" or both.',
      'body',
    )
  }
  if (body.email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(body.email)) {
    throw new AdminApiError(
      400,
      'invalid_email',
      'body.email is not an email address (expected name@domain).',
      'body.email',
    )
  }
  return {
    ...(body.email !== undefined ? { email: body.email } : {}),
    ...(body.userId !== undefined ? { userId: body.userId } : {}),
  }
}

function recordView(record: PrivacyRecord): Static<typeof Shapes.PrivacyAuditRecord> {
  return { ...record }
}

export const usersResource: Resource = (app, { store, delivery }) => {
  const privacy = new UserPrivacy(store, delivery, {
    otherNodes: store.kind === 'postgres' ? { leaseMs: delivery.options.leaseMs } : null,
  })

  for (const action of ['forget', 'unforget', 'delete'] as const) {
    app.post<{ Body: Static<typeof UserBody> }>(
      `/users/${action}`,
      {
        schema: {
          summary: `${action[0].toUpperCase()}${action.slice(1)} a user (right to be forgotten)`,
          description: DESCRIPTIONS[action],
          tags: ['users'],
          body: UserBody,
          response: answers(200, Shapes.PrivacyResult),
        },
      },
      async (request) => {
        const user = readUser(request.body)
        const destinationId = request.body.destination
        if (destinationId !== undefined && (await store.getDestination(destinationId)) === null)
          throw notFound('destination', destinationId)
        return privacy.run({ action, user, ...(destinationId !== undefined ? { destinationId } : {}) })
      },
    )
  }

  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/users/privacy-actions',
    {
      schema: {
        summary: 'The audit of forget, unforget and delete, newest first (salted hashes, no personal data)',
        tags: ['users'],
        querystring: AuditQuery,
        response: answers(200, Shapes.PrivacyAudit),
      },
    },
    async (request) => ({
      items: (
        await store.listPrivacyActions({
          ...(request.query.before !== undefined ? { before: request.query.before } : {}),
          ...(request.query.limit !== undefined ? { limit: request.query.limit } : {}),
        })
      ).map(recordView),
    }),
  )
}
