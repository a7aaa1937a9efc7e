// Replay of stored events: the events received in a time range (optionally from one source) go
// to the event log again as new receipts, routed with today's destinations and mappings (optionally
// only one destination's).
// For events kept while a destination had no API key, or after a mapping was fixed. One call replays
// at most `limit` events and answers where to go on (`next`), so a long replay is a series of short
// requests that a client can follow, show progress for, and resume.
import { Type, type Static } from '@sinclair/typebox'
import type { Delivery } from '../../delivery/delivery.js'
import { parseTime, type Resource } from './context.js'
import { requireDestination } from './destination-access.js'
import { AdminApiError, notFound } from './errors.js'
import { answers } from './schemas.js'
import { Shapes } from './shapes/index.js'

const ReplayBody = Type.Object({
  from: Type.Union([Type.String(), Type.Number()], { description: 'Received since (epoch ms or ISO date)' }),
  to: Type.Optional(
    Type.Union([Type.String(), Type.Number()], { description: 'Received before (default: now)' }),
  ),
  source: Type.Optional(Type.String({ minLength: 1, description: 'Only events of this source (id)' })),
  destination: Type.Optional(
    Type.String({ minLength: 1, description: 'Only for this destination (id); default: every one' }),
  ),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 50_000, description: 'Events per call (default 5,000)' }),
  ),
  next: Type.Optional(
    Type.Object(
      { afterId: Type.Integer({ minimum: 0 }), lastId: Type.Integer({ minimum: 0 }) },
      { description: 'The `next` of the previous answer (same from/to/source/destination)' },
    ),
  ),
})

/** Events read and routed per store read. */
const PAGE = 500
const DEFAULT_LIMIT = 5000

/** A replay no destination would receive is refused, rather than answering as if it had worked. */
function checkSomethingDelivers(delivery: Delivery, destinationId: string | undefined): void {
  const receiving = delivery
    .destinations()
    .filter((d) => d.state === 'delivering' || d.state === 'paused')
    .filter((d) => destinationId === undefined || d.id === destinationId)
  if (receiving.length > 0) return
  const which = destinationId === undefined ? 'No destination' : `Destination "${destinationId}"`
  throw new AdminApiError(
    409,
    'destination_not_delivering',
    `${which} would receive anything: set an API key and enable it first (nothing would be sent).`,
    destinationId === undefined ? 'body' : 'body.destination',
  )
}

export const eventReplayResource: Resource = (app, { store, delivery }) => {
  app.post<{ Body: Static<typeof ReplayBody> }>(
    '/events/replay',
    {
      schema: {
        summary: "Append stored events to the log again as new receipts (today's mappings), a batch per call",
        description:
          'Events received in [from, to) are routed as if they had just arrived. Follow `next` until it ' +
          'is null. Custom events and purchases keep id = messageId, so Iterable updates what it already ' +
          'has; Upsert User and carts set state again (older state, for events older than the latest).',
        tags: ['events'],
        body: ReplayBody,
        response: answers(200, Shapes.ReplayAnswer),
      },
    },
    async (request) => {
      const body = request.body
      const from = parseTime(body.from, 'from', 'body') as number
      const to = parseTime(body.to, 'to', 'body') ?? Date.now()
      if (to <= from)
        throw new AdminApiError(400, 'invalid_range', '"to" must be later than "from".', 'body.to')
      if (body.source !== undefined && (await store.getSource(body.source)) === null) {
        throw notFound('source', body.source)
      }
      if (body.destination !== undefined) await requireDestination(store, body.destination)
      checkSomethingDelivers(delivery, body.destination)

      const range = await store.eventIdRange({ from, to })
      if (range === null) return { events: 0, next: null, progress: null }
      let cursor = body.next ?? { afterId: range.firstId - 1, lastId: range.lastId }
      const limit = body.limit ?? DEFAULT_LIMIT
      let events = 0
      let done = false
      while (events < limit) {
        const page = await store.listEvents({
          from,
          to,
          afterId: cursor.afterId,
          lastId: cursor.lastId,
          limit: Math.min(PAGE, limit - events),
          ...(body.source !== undefined ? { sourceId: body.source } : {}),
        })
        if (page.length === 0) {
          done = true
          break
        }
        await delivery.replayEvents(page, body.destination)
        events += page.length
        cursor = { afterId: page[page.length - 1].id, lastId: cursor.lastId }
        if (request.raw.destroyed) break // the client went away: it can resume from `next`
      }
      done ||= cursor.afterId >= cursor.lastId
      return {
        events,
        next: done ? null : cursor,
        progress: {
          firstId: range.firstId,
          lastId: cursor.lastId,
          throughId: done ? cursor.lastId : cursor.afterId,
        },
      }
    },
  )
}
