// Deliveries: outcome counts by mapping/action/outcome over time buckets, recent outcomes, recent
// attempts (request and response; the delivery code stores them without the API key), queue depth/age.
import { Type, type Static } from '@sinclair/typebox'
import type { OutcomeKind, Store } from '../../store/types.js'
import type { Resource } from './context.js'
import { parseTime } from './context.js'
import { scrubSecret } from './destination-access.js'
import { AdminApiError } from './errors.js'
import { queueRows } from '../queue-rows.js'
import { baseUrls, outcomeView } from './sent.js'
import { answers, TimeParam } from './schemas.js'
import { Shapes } from './shapes/index.js'

const HOUR = 60 * 60 * 1000
const MAX_BUCKETS = 2000

const CountsQuery = Type.Object({
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
  bucketMs: Type.Optional(Type.Integer({ minimum: 1000, description: 'Bucket width (default 1 hour)' })),
  destination: Type.Optional(Type.String()),
})

const Page = {
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'Items with id < before (next page)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
}

const AttemptsQuery = Type.Object({
  destination: Type.Optional(Type.String()),
  endpoint: Type.Optional(Type.String()),
  ...Page,
})

const OutcomesQuery = Type.Object({
  destination: Type.Optional(Type.String()),
  outcome: Type.Optional(
    Type.Union([
      Type.Literal('delivered'),
      Type.Literal('failed'),
      Type.Literal('retrying'),
      Type.Literal('dead'),
    ]),
  ),
  messageId: Type.Optional(Type.String()),
  ...Page,
})

/** Defence in depth: every stored API key is scrubbed from logged bodies before they leave. */
async function scrubAllKeys<T>(store: Store, value: T): Promise<T> {
  let result = value
  for (const destination of await store.listDestinations()) {
    const key = await store.getDestinationApiKey(destination.id)
    if (key !== null) result = scrubSecret(result, key)
  }
  return result
}

function parsedOrText(text: string | null): unknown {
  if (text === null) return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

export const deliveriesResource: Resource = (app, context) => {
  const { store } = context
  app.get<{ Querystring: Static<typeof CountsQuery> }>(
    '/deliveries/counts',
    {
      schema: {
        summary: 'Outcome counts by time bucket, destination, mapping, action and outcome',
        tags: ['deliveries'],
        querystring: CountsQuery,
        response: answers(200, Shapes.DeliveryCounts),
      },
    },
    async (request) => {
      const now = Date.now()
      const to = parseTime(request.query.to, 'to') ?? now + 1
      const from = parseTime(request.query.from, 'from') ?? to - 24 * HOUR
      const bucketMs = request.query.bucketMs ?? HOUR
      if (from >= to)
        throw new AdminApiError(400, 'validation_failed', '"from" must be before "to".', 'querystring.from')
      if ((to - from) / bucketMs > MAX_BUCKETS) {
        throw new AdminApiError(
          400,
          'validation_failed',
          `At most ${MAX_BUCKETS} buckets; use a larger bucketMs.`,
          'querystring.bucketMs',
        )
      }
      const items = await store.outcomeCounts({
        from,
        to,
        bucketMs,
        ...(request.query.destination ? { destinationId: request.query.destination } : {}),
      })
      const totals: Record<OutcomeKind, number> = { delivered: 0, failed: 0, retrying: 0, dead: 0 }
      for (const item of items) totals[item.outcome] += item.count
      return { from, to, bucketMs, totals, items }
    },
  )

  app.get<{ Querystring: Static<typeof OutcomesQuery> }>(
    '/deliveries/outcomes',
    {
      schema: {
        summary: 'Recent outcomes, newest first (e.g. recent failures)',
        tags: ['deliveries'],
        querystring: OutcomesQuery,
        response: answers(200, Shapes.OutcomePage),
      },
    },
    async (request) => {
      const q = request.query
      const items = await store.listOutcomes({
        limit: q.limit ?? 50,
        ...(q.destination ? { destinationId: q.destination } : {}),
        ...(q.outcome ? { outcome: q.outcome } : {}),
        ...(q.messageId ? { messageId: q.messageId } : {}),
        ...(q.before ? { before: q.before } : {}),
      })
      const base = await baseUrls(context)
      return {
        items: items.map((o) => outcomeView(o, base)),
        nextCursor: items.length === (q.limit ?? 50) ? (items.at(-1)?.id ?? null) : null,
      }
    },
  )

  app.get<{ Querystring: Static<typeof AttemptsQuery> }>(
    '/deliveries/attempts',
    {
      schema: {
        summary: 'Recent HTTP attempts with request and response bodies (API key never included)',
        tags: ['deliveries'],
        querystring: AttemptsQuery,
        response: answers(200, Shapes.AttemptPage),
      },
    },
    async (request) => {
      const q = request.query
      const attempts = await store.listAttempts({
        limit: q.limit ?? 50,
        ...(q.destination ? { destinationId: q.destination } : {}),
        ...(q.endpoint ? { endpoint: q.endpoint } : {}),
        ...(q.before ? { before: q.before } : {}),
      })
      const items = attempts.map((a) => ({
        id: a.id,
        at: a.at,
        destinationId: a.destinationId,
        endpoint: a.endpoint,
        jobCount: a.jobCount,
        durationMs: a.durationMs,
        error: a.error,
        request: { body: parsedOrText(a.requestBody) },
        response: { status: a.responseStatus, body: parsedOrText(a.responseBody) },
      }))
      return {
        items: await scrubAllKeys(store, items),
        nextCursor: attempts.length === (q.limit ?? 50) ? (attempts.at(-1)?.id ?? null) : null,
      }
    },
  )

  app.get(
    '/queues',
    {
      schema: {
        summary:
          'Unfinished work per destination: events after its cursor (endpoint "log") and parked items per endpoint',
        tags: ['deliveries'],
        response: answers(200, Shapes.Queues),
      },
    },
    async () => {
      const now = Date.now()
      const stats = await store.deliveryStats()
      const rows = queueRows(stats)
      return {
        items: rows.map((row) => ({
          ...row,
          oldestAgeMs: row.oldestAt === null ? null : now - row.oldestAt,
        })),
        destinations: stats,
        totalDepth: rows.reduce((sum, row) => sum + row.depth, 0),
      }
    },
  )
}
