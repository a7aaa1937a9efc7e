// Dead letters: list with a filter (and its total), group alike ones with counts, inspect one (with the
// request it would send to Iterable), replay or discard a selection or a whole group.
import { Type, type Static } from '@sinclair/typebox'
import type { DeadLetter, DeadLetterFilter, ReplaySelector } from '../../store/types.js'
import { parseTime, type Resource } from './context.js'
import { AdminApiError, notFound } from './errors.js'
import { answers } from './schemas.js'
import { baseUrls, sentRequests, type SentRequest } from './sent.js'
import { Shapes } from './shapes/index.js'

/** Groups per answer: beyond these, a filter narrows them down. */
const GROUPS_SHOWN = 200

const DeadLetterParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

// Plain strings: the values are checked below with their own codes (invalid_filter, invalid_limit).
const ListQuery = Type.Object({
  destination: Type.Optional(Type.String({ description: 'Destination id' })),
  mapping: Type.Optional(Type.String({ description: 'Mapping id' })),
  from: Type.Optional(Type.String({ description: 'Dead since (epoch ms or ISO date)' })),
  to: Type.Optional(Type.String({ description: 'Dead before (epoch ms or ISO date)' })),
  code: Type.Optional(Type.String({ description: 'Failure code, e.g. HTTP_503' })),
  reason: Type.Optional(Type.String({ description: 'Text the reason contains' })),
  field: Type.Optional(Type.String({ description: 'The field Iterable named (a field type it refused)' })),
  includeReplayed: Type.Optional(Type.String({ description: '"true" to list replayed ones too' })),
  after: Type.Optional(Type.String({ description: 'Page cursor (nextCursor of the previous page)' })),
  limit: Type.Optional(Type.String({ description: '1..1000, default 100' })),
})

const GroupQuery = Type.Omit(ListQuery, ['after', 'limit'])

const SELECTOR_DESCRIPTION =
  'JSON body: { "ids": [1, 2] }, or { "filter": { destination?, mapping?, from?, to?, code?, reason?, field?, includeReplayed? } }, ' +
  'or { "group": { destination, mapping, code, reason, field } } (a group as GET /dead-letters/groups lists it), or { "all": true }.'

/** Filter from the query string or a body's `filter`; `where` is the error path's prefix. */
function readFilter(input: Record<string, unknown>, where: string): DeadLetterFilter {
  const filter: DeadLetterFilter = {}
  const text = (key: string): string | undefined => {
    const value = input[key]
    return typeof value === 'string' && value !== '' ? value : undefined
  }
  const destination = text('destination')
  const mapping = text('mapping')
  const code = text('code')
  const reason = text('reason')
  const field = text('field')
  const from = parseTime(input.from, 'from', where, 'invalid_filter')
  const to = parseTime(input.to, 'to', where, 'invalid_filter')
  if (destination !== undefined) filter.destinationId = destination
  if (mapping !== undefined) filter.mappingId = mapping
  if (from !== undefined) filter.from = from
  if (to !== undefined) filter.to = to
  if (code !== undefined) filter.code = code
  if (reason !== undefined) filter.reasonContains = reason
  if (field !== undefined) filter.field = field
  if (input.includeReplayed === true || input.includeReplayed === 'true') filter.includeReplayed = true
  return filter
}

function readSelector(body: unknown): ReplaySelector {
  const b = (body ?? {}) as Record<string, unknown>
  if (typeof b.group === 'object' && b.group !== null)
    return { filter: readGroup(b.group as Record<string, unknown>) }
  if (Array.isArray(b.ids)) {
    if (!b.ids.every((id) => Number.isInteger(id))) {
      throw new AdminApiError(
        400,
        'invalid_ids',
        '"ids" must be a list of dead letter ids (integers).',
        'body.ids',
      )
    }
    return { ids: b.ids as number[] }
  }
  const nested = typeof b.filter === 'object' && b.filter !== null
  const filter = readFilter(
    (nested ? b.filter : b) as Record<string, unknown>,
    nested ? 'body.filter' : 'body',
  )
  if (Object.keys(filter).length === 0 && b.all !== true) {
    throw new AdminApiError(
      400,
      'selector_required',
      'Say which dead letters: give "ids", a "filter", or "all": true.',
      'body',
    )
  }
  return { filter }
}

/** A group exactly: its destination, mapping, code, whole reason and field (null: names none). */
function readGroup(group: Record<string, unknown>): DeadLetterFilter {
  const text = (key: string, nullable = false): string | null => {
    const value = group[key]
    if (typeof value === 'string' && value !== '') return value
    if (nullable && value === null) return null
    throw new AdminApiError(
      400,
      'invalid_group',
      `"group.${key}" must be ${nullable ? 'a text or null' : 'a text'}, as GET /dead-letters/groups lists it.`,
      `body.group.${key}`,
    )
  }
  const mapping = text('mapping', true)
  return {
    destinationId: text('destination') as string,
    ...(mapping !== null ? { mappingId: mapping } : {}),
    code: text('code') as string,
    reason: text('reason') as string,
    field: text('field', true),
  }
}

function readInteger(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new AdminApiError(
      400,
      `invalid_${name}`,
      `${name} must be a whole number from ${min} to ${max} (got "${value.slice(0, 30)}").`,
      `querystring.${name}`,
    )
  }
  return n
}

/**
 * A dead letter as the API shows it, in list and inspect alike: its stored payload as JSON (not as
 * text), and `sent`: the request(s) it sends to Iterable (its body, or its item of a bulk body).
 */
function letterView(
  letter: DeadLetter,
  base: (destinationId: string) => string,
): Omit<DeadLetter, 'payload'> & { payload: unknown; sent: SentRequest[] | null } {
  const sent = sentRequests(letter.payload, base(letter.destinationId))
  try {
    return { ...letter, payload: JSON.parse(letter.payload) as unknown, sent }
  } catch {
    return { ...letter, sent } // kept as text when it is not JSON
  }
}

export const deadLettersResource: Resource = (app, context) => {
  const { store, delivery } = context
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/dead-letters',
    {
      schema: {
        summary: 'List dead letters, oldest first, with a filter; page with after + limit',
        tags: ['dead letters'],
        querystring: ListQuery,
        response: answers(200, Shapes.DeadLetterPage),
      },
    },
    async (request) => {
      const query = request.query
      const limit = readInteger(query.limit, 'limit', 1, 1000) ?? 100
      const after = readInteger(query.after, 'after', 0, Number.MAX_SAFE_INTEGER)
      const filter = readFilter(query, 'querystring')
      const page = await store.listDeadLetters(filter, {
        limit,
        ...(after !== undefined ? { after } : {}),
      })
      const base = await baseUrls(context)
      const total = await store.countDeadLetters(filter)
      return { ...page, items: page.items.map((letter) => letterView(letter, base)), total }
    },
  )

  app.get<{ Querystring: Static<typeof GroupQuery> }>(
    '/dead-letters/groups',
    {
      schema: {
        summary: 'Dead letters grouped alike (destination, mapping, code, reason, field), the largest first',
        description:
          'Replay or discard a group with { "group": { destination, mapping, code, reason, field } }.',
        tags: ['dead letters'],
        querystring: GroupQuery,
        response: answers(200, Shapes.DeadLetterGroups),
      },
    },
    async (request) => {
      const filter = readFilter(request.query, 'querystring')
      const groups = await store.groupDeadLetters(filter, GROUPS_SHOWN)
      return {
        items: groups.map(({ destinationId, mappingId, ...rest }) => ({
          destination: destinationId,
          mapping: mappingId,
          ...rest,
        })),
        total: await store.countDeadLetters(filter),
      }
    },
  )

  app.post(
    '/dead-letters/replay',
    {
      schema: {
        summary: 'Replay dead letters (new jobs; the dead letters are marked replayed)',
        description: SELECTOR_DESCRIPTION,
        tags: ['dead letters'],
        response: answers(200, Shapes.Replayed),
      },
    },
    async (request) => {
      const replayed = await delivery.replayDeadLetters(readSelector(request.body))
      if (replayed > 0) delivery.wakeAll()
      return { replayed }
    },
  )

  app.post(
    '/dead-letters/discard',
    {
      schema: {
        summary: 'Discard dead letters',
        description: SELECTOR_DESCRIPTION,
        tags: ['dead letters'],
        response: answers(200, Shapes.Discarded),
      },
    },
    async (request) => ({ discarded: await store.discardDeadLetters(readSelector(request.body)) }),
  )

  app.get<{ Params: Static<typeof DeadLetterParams> }>(
    '/dead-letters/:id',
    {
      schema: {
        summary: 'One dead letter: why it failed, its payload, the stored event',
        tags: ['dead letters'],
        params: DeadLetterParams,
        response: answers(200, Shapes.DeadLetterDetail),
      },
    },
    async (request) => {
      const letter = await store.getDeadLetter(request.params.id)
      if (letter === null) throw notFound('dead letter', String(request.params.id))
      const base = await baseUrls(context)
      const lookup = await store.lookupEvent(letter.messageId)
      const event = lookup.events.find((e) => e.id === letter.eventId) ?? lookup.events[0]
      return {
        ...letterView(letter, base),
        event: event === undefined ? null : { ...event, body: JSON.parse(event.body) as unknown },
      }
    },
  )
}
