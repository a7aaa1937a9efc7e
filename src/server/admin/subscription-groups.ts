// The group ids an Update Subscriptions mapping can choose from (Segment's dynamic field): Iterable's
// channels, message types or lists, fetched with the destination's stored key.
import { Type, type Static } from '@sinclair/typebox'
import { GroupChoicesError, subscriptionGroupChoices } from '../../iterable/subscription-group-choices.js'
import type { Resource } from './context.js'
import { adminClient, requireDestination, scrubSecret } from './destination-access.js'
import { AdminApiError } from './errors.js'
import { answers, IdParams } from './schemas.js'
import { Shapes } from './shapes/index.js'

const GroupQuery = Type.Object(
  { type: Type.Optional(Type.String({ description: 'emailList, messageType or messageChannel' })) },
  { additionalProperties: false },
)

export const subscriptionGroupsResource: Resource = (app, { store, delivery }) => {
  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof GroupQuery> }>(
    '/destinations/:id/subscription-groups',
    {
      schema: {
        summary: "Choices for an Update Subscriptions group id: the destination's Iterable groups of a type",
        tags: ['destinations'],
        params: IdParams,
        querystring: GroupQuery,
        response: answers(200, Shapes.GroupChoices),
      },
    },
    async (request) => {
      const destination = await requireDestination(store, request.params.id)
      const apiKey = await store.getDestinationApiKey(destination.id)
      if (apiKey === null) {
        throw new AdminApiError(
          400,
          'no_api_key',
          'This destination has no API key; set one first.',
          'settings.apiKey',
        )
      }
      const client = adminClient(delivery, apiKey, destination.settings.dataCenterLocation)
      try {
        return { items: await subscriptionGroupChoices(client, request.query.type) }
      } catch (error) {
        if (!(error instanceof GroupChoicesError)) throw error
        if (error.code === 'ITERABLE_ERROR') {
          throw new AdminApiError(502, 'iterable_error', scrubSecret(error.message, apiKey))
        }
        throw new AdminApiError(400, error.code.toLowerCase(), error.message, 'type')
      } finally {
        await client.close()
      }
    },
  )
}
