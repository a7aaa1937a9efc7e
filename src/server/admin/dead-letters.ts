// Dead letters, inspecting one (list, replay and discard are in admin-core).
import { Type, type Static } from '@sinclair/typebox'
import type { Resource } from './context.js'
import { notFound } from './errors.js'

const DeadLetterParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

export const deadLettersResource: Resource = (app, { store }) => {
  app.get<{ Params: Static<typeof DeadLetterParams> }>(
    '/dead-letters/:id',
    {
      schema: {
        summary: 'One dead letter: why it failed, its payload, the stored event',
        tags: ['dead letters'],
        params: DeadLetterParams,
      },
    },
    async (request) => {
      const letter = await store.getDeadLetter(request.params.id)
      if (letter === null) throw notFound('dead letter', String(request.params.id))
      let payload: unknown = letter.payload
      try {
        payload = JSON.parse(letter.payload) as unknown
      } catch {
        // Kept as text.
      }
      const lookup = await store.lookupEvent(letter.messageId)
      const event = lookup.events.find((e) => e.id === letter.eventId) ?? lookup.events[0]
      return {
        ...letter,
        payload,
        event: event === undefined ? null : { ...event, body: JSON.parse(event.body) as unknown },
      }
    },
  )
}
