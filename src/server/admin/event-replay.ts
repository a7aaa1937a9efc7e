// Replay of stored events: the events received in a time range (optionally from one source) go
// through today's destinations and mappings again (optionally only one destination's), as new jobs.
// For events kept while a destination had no API key, or after a mapping was fixed.
import { Type, type Static } from '@sinclair/typebox'
import { parseTime, type Resource } from './context.js'
import { requireDestination } from './destination-access.js'
import { AdminApiError, notFound } from './errors.js'

const ReplayBody = Type.Object({
  from: Type.Union([Type.String(), Type.Number()], { description: 'Received since (epoch ms or ISO date)' }),
  to: Type.Optional(
    Type.Union([Type.String(), Type.Number()], { description: 'Received before (default: now)' }),
  ),
  source: Type.Optional(Type.String({ minLength: 1, description: 'Only events of this source (id)' })),
  destination: Type.Optional(
    Type.String({ minLength: 1, description: 'Only jobs for this destination (id); default: every one' }),
  ),
})

/** Events read and routed per store read. */
const PAGE = 500

export const eventReplayResource: Resource = (app, { store, delivery }) => {
  app.post<{ Body: Static<typeof ReplayBody> }>(
    '/events/replay',
    {
      schema: {
        summary: 'Route stored events again through the current mappings (new jobs)',
        description:
          'Events received in [from, to) are routed as if they had just arrived. Custom events and ' +
          'purchases keep id = messageId, so Iterable updates what it already has rather than adding.',
        tags: ['events'],
        body: ReplayBody,
      },
    },
    async (request) => {
      const body = request.body
      const from = parseTime(body.from, 'from', 'body') as number
      const to = parseTime(body.to, 'to', 'body') ?? Date.now()
      if (to <= from) {
        throw new AdminApiError(400, 'invalid_range', '"to" must be later than "from".', 'body.to')
      }
      if (body.source !== undefined && (await store.getSource(body.source)) === null) {
        throw notFound('source', body.source)
      }
      if (body.destination !== undefined) await requireDestination(store, body.destination)
      let events = 0
      let jobs = 0
      let failed = 0
      let afterId = 0
      for (;;) {
        const page = await store.listEvents({
          from,
          to,
          afterId,
          limit: PAGE,
          ...(body.source !== undefined ? { sourceId: body.source } : {}),
        })
        if (page.length === 0) break
        const routed = await delivery.reroute(page, body.destination)
        events += page.length
        jobs += routed.jobs
        failed += routed.failed
        afterId = page[page.length - 1].id
      }
      return { events, jobs, failed }
    },
  )
}
