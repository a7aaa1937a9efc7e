// Destinations: settings (API key write-only), enable/disable, the 401 pause and resuming after it,
// test connection.
import { Type, type Static } from '@sinclair/typebox'
import { testAuthentication, AuthenticationError } from '../../iterable/auth.js'
import type { DestinationPatch } from '../../store/types.js'
import type { AdminContext, Resource } from './context.js'
import {
  adminClient,
  checkSettings,
  deliveryBaseUrl,
  destinationView,
  requireDestination,
} from './destination-access.js'
import { AdminApiError } from './errors.js'
import { answers, IdParams } from './schemas.js'
import { Shapes } from './shapes/index.js'

const SettingsPatch = Type.Object(
  {
    apiKey: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
        description: 'Write-only: a string sets the key, null removes it',
      }),
    ),
    dataCenterLocation: Type.Optional(Type.String({ description: 'united_states or europe' })),
    projectType: Type.Optional(
      Type.Union([Type.String(), Type.Null()], {
        description: 'email, userId, hybrid; null or "" clears it',
      }),
    ),
  },
  { additionalProperties: false },
)

const DestinationUpdate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    enabled: Type.Optional(Type.Boolean()),
    settings: Type.Optional(SettingsPatch),
  },
  { additionalProperties: false },
)

const TestConnection = Type.Object(
  {
    apiKey: Type.Optional(
      Type.String({ minLength: 1, description: 'Test this key instead of the stored one' }),
    ),
    dataCenterLocation: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)

type Params = { Params: Static<typeof IdParams> }

function readTestConnectionBody(raw: unknown): Static<typeof TestConnection> {
  if (raw === undefined || raw === null) return {}
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AdminApiError(400, 'validation_failed', 'The body must be a JSON object.', 'body')
  }
  const body = raw as Record<string, unknown>
  for (const key of Object.keys(body)) {
    if (!(key in TestConnection.properties)) {
      throw new AdminApiError(400, 'validation_failed', `Unknown property "${key}".`, `body.${key}`)
    }
    if (typeof body[key] !== 'string' || body[key] === '') {
      throw new AdminApiError(400, 'validation_failed', `"${key}" must be a non-empty string.`, `body.${key}`)
    }
  }
  return body
}

async function setEnabled(
  context: AdminContext,
  id: string,
  enabled: boolean,
): Promise<Record<string, unknown>> {
  await requireDestination(context.store, id)
  const updated = await context.store.updateDestination(id, { enabled })
  await context.delivery.reload()
  return destinationView(
    context.store,
    context.delivery,
    updated ?? (await requireDestination(context.store, id)),
  )
}

export const destinationsResource: Resource = (app, context) => {
  const { store, delivery } = context

  app.get(
    '/destinations',
    {
      schema: {
        summary: 'List destinations (settings with the API key masked, delivery state)',
        tags: ['destinations'],
        response: answers(200, Shapes.DestinationList),
      },
    },
    async () => ({
      items: await Promise.all(
        (await store.listDestinations()).map((d) => destinationView(store, delivery, d)),
      ),
    }),
  )

  app.get<Params>(
    '/destinations/:id',
    {
      schema: {
        summary: 'One destination',
        tags: ['destinations'],
        params: IdParams,
        response: answers(200, Shapes.Destination),
      },
    },
    async (request) => destinationView(store, delivery, await requireDestination(store, request.params.id)),
  )

  app.patch<Params & { Body: Static<typeof DestinationUpdate> }>(
    '/destinations/:id',
    {
      schema: {
        summary: 'Update name, enabled or settings (the API key is write-only)',
        tags: ['destinations'],
        params: IdParams,
        body: DestinationUpdate,
        response: answers(200, Shapes.Destination),
      },
    },
    async (request) => {
      const current = await requireDestination(store, request.params.id)
      const body = request.body
      const patch: DestinationPatch = {}
      if (body.name !== undefined) patch.name = body.name
      if (body.enabled !== undefined) patch.enabled = body.enabled
      let credentialsChanged = false
      if (body.settings !== undefined) {
        const { apiKey, ...rest } = body.settings
        const merged: Record<string, unknown> = { ...current.settings }
        for (const [key, value] of Object.entries(rest)) {
          if (value === null || value === '') delete merged[key]
          else merged[key] = value
        }
        const checked = checkSettings(merged, 'body.settings')
        merged.dataCenterLocation = checked.dataCenterLocation
        patch.settings = merged
        credentialsChanged = JSON.stringify(merged) !== JSON.stringify(current.settings)
        if (apiKey !== undefined) {
          patch.apiKey = apiKey
          credentialsChanged = true
        }
      }
      await store.updateDestination(current.id, patch)
      // New credentials or region: a 401 pause is lifted (as config apply does).
      if (credentialsChanged && current.paused !== null) await store.setDestinationPaused(current.id, null)
      await delivery.reload()
      return destinationView(store, delivery, await requireDestination(store, current.id))
    },
  )

  app.post<Params>(
    '/destinations/:id/enable',
    {
      schema: {
        summary: 'Enable delivery',
        tags: ['destinations'],
        params: IdParams,
        response: answers(200, Shapes.Destination),
      },
    },
    async (request) => setEnabled(context, request.params.id, true),
  )

  app.post<Params>(
    '/destinations/:id/disable',
    {
      schema: {
        summary: 'Disable delivery (events are still accepted and stored)',
        tags: ['destinations'],
        params: IdParams,
        response: answers(200, Shapes.Destination),
      },
    },
    async (request) => setEnabled(context, request.params.id, false),
  )

  app.post<Params>(
    '/destinations/:id/resume',
    {
      schema: {
        summary: 'Resume a destination paused after a 401 from Iterable',
        tags: ['destinations'],
        params: IdParams,
        response: answers(200, Shapes.Resumed),
      },
    },
    async (request) => {
      const { id } = await requireDestination(store, request.params.id)
      await delivery.resume(id)
      return { resumed: id }
    },
  )

  app.post<Params & { Body: Static<typeof TestConnection> | undefined }>(
    '/destinations/:id/test-connection',
    {
      schema: {
        summary: 'Authentication test: GET /api/webhooks with the stored (or given) API key',
        tags: ['destinations'],
        params: IdParams,
        // The body is optional (Fastify would reject a missing one against a schema): checked below.
        description:
          'Optional JSON body: { "apiKey"?: string, "dataCenterLocation"?: string } to test before saving.',
        response: answers(200, Shapes.ConnectionTest),
      },
    },
    async (request) => {
      const destination = await requireDestination(store, request.params.id)
      const body = readTestConnectionBody(request.body)
      const region = body.dataCenterLocation ?? destination.settings.dataCenterLocation
      checkSettings({ ...destination.settings, dataCenterLocation: region }, 'body')
      const apiKey = body.apiKey ?? (await store.getDestinationApiKey(destination.id))
      if (apiKey === null) {
        throw new AdminApiError(
          400,
          'no_api_key',
          'This destination has no API key; set one first.',
          'settings.apiKey',
        )
      }
      const client = adminClient(delivery, apiKey, region)
      const baseUrl = deliveryBaseUrl(delivery, region)
      try {
        await testAuthentication(client)
        return { ok: true, baseUrl, message: 'Credentials are valid.' }
      } catch (error) {
        if (error instanceof AuthenticationError) {
          return { ok: false, baseUrl, status: error.status, code: error.code, message: error.message }
        }
        throw error
      } finally {
        await client.close()
      }
    },
  )
}
