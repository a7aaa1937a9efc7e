// Sources: the write keys Segment libraries send with. A key is shown once, when created or rotated;
// afterwards only its hint (last 4 characters).
import { randomBytes } from 'node:crypto'
import { Type, type Static } from '@sinclair/typebox'
import type { Source } from '../../store/types.js'
import type { Resource } from './context.js'
import { AdminApiError, notFound } from './errors.js'
import { answers, IdParams } from './schemas.js'
import { Shapes } from './shapes/index.js'

export function generateWriteKey(): string {
  return 'wk_' + randomBytes(18).toString('base64url')
}

export function sourceView(source: Source): Static<typeof Shapes.Source> {
  return {
    id: source.id,
    name: source.name,
    writeKeyHint: `…${source.writeKeyHint}`,
    active: source.revokedAt === null,
    createdAt: source.createdAt,
    revokedAt: source.revokedAt,
  }
}

const CreateSource = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    writeKey: Type.Optional(
      Type.String({ minLength: 8, maxLength: 200, description: 'Choose the key; default: generated' }),
    ),
  },
  { additionalProperties: false },
)

export const sourcesResource: Resource = (app, { store }) => {
  app.get(
    '/sources',
    {
      schema: {
        summary: 'List sources (write keys masked)',
        tags: ['sources'],
        response: answers(200, Shapes.SourceList),
      },
    },
    async () => ({ items: (await store.listSources()).map(sourceView) }),
  )

  app.post<{ Body: Static<typeof CreateSource> }>(
    '/sources',
    {
      schema: {
        summary: 'Create a source; its write key is returned once',
        tags: ['sources'],
        body: CreateSource,
        response: answers(201, Shapes.NewWriteKey),
      },
    },
    async (request, reply) => {
      const writeKey = request.body.writeKey ?? generateWriteKey()
      if ((await store.findSourceByWriteKey(writeKey)) !== null) {
        throw new AdminApiError(
          409,
          'write_key_taken',
          'Another active source already uses this write key.',
          'body.writeKey',
        )
      }
      const source = await store.createSource({ name: request.body.name, writeKey })
      return reply.code(201).send({ source: sourceView(source), writeKey })
    },
  )

  app.post<{ Params: Static<typeof IdParams> }>(
    '/sources/:id/rotate',
    {
      schema: {
        summary: 'Rotate a write key: a new source with a new key replaces this one (revoked at once)',
        tags: ['sources'],
        params: IdParams,
        response: answers(200, Shapes.RotatedWriteKey),
      },
    },
    async (request) => {
      const old = await store.getSource(request.params.id)
      if (old === null) throw notFound('source', request.params.id)
      if (old.revokedAt !== null)
        throw new AdminApiError(409, 'source_revoked', 'This source is revoked; create a new one.')
      const writeKey = generateWriteKey()
      const source = await store.createSource({ name: old.name, writeKey })
      await store.revokeSource(old.id)
      return { source: sourceView(source), writeKey, replaces: old.id }
    },
  )

  app.post<{ Params: Static<typeof IdParams> }>(
    '/sources/:id/revoke',
    {
      schema: {
        summary: 'Revoke a write key (its requests get 401 from then on)',
        tags: ['sources'],
        params: IdParams,
        response: answers(200, Shapes.RevokedSource),
      },
    },
    async (request) => {
      const id = request.params.id
      if ((await store.getSource(id)) === null) throw notFound('source', id)
      await store.revokeSource(id)
      return { source: sourceView((await store.getSource(id)) as Source) }
    },
  )
}
