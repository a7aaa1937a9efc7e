// Test mapping: an event through a mapping draft, a stored mapping, or every enabled mapping of a
// destination → whether the trigger matches, the mapped payload, its validation and the requests
// that would be sent; with `send: true` they are sent and Iterable's answers returned (never the key).
import { Type, type Static } from '@sinclair/typebox'
import { routingDestination } from '../../config/routing-config.js'
import { normalizeEvent, validateEvent } from '../../engine/event/index.js'
import type { IterableClient } from '../../iterable/client/index.js'
import type { CompiledMapping } from '../../iterable/mappings.js'
import { evaluateMapping, Routing, type MappingEvaluation } from '../../routing/index.js'
import type { Destination, Mapping, Store } from '../../store/types.js'
import type { Resource } from './context.js'
import {
  adminClient,
  checkSettings,
  deliveryBaseUrl,
  requireDestination,
  scrubSecret,
} from './destination-access.js'
import { AdminApiError, notFound } from './errors.js'
import { validateMappingDraft } from './mapping-validation.js'
import { plannedRequests, type ShownRequest } from './planned.js'
import { AnyObject, answers } from './schemas.js'
import { Shapes } from './shapes/index.js'

const Draft = Type.Object(
  {
    name: Type.Optional(Type.String()),
    trigger: Type.String(),
    action: Type.String(),
    fields: AnyObject,
    batching: Type.Optional(
      Type.Union([
        Type.Object({ enabled: Type.Optional(Type.Boolean()), size: Type.Optional(Type.Number()) }),
        Type.Null(),
      ]),
    ),
  },
  { additionalProperties: false },
)

const TestMapping = Type.Object(
  {
    event: AnyObject,
    mappingId: Type.Optional(Type.String({ description: 'Test this stored mapping' })),
    mapping: Type.Optional(Draft),
    destinationId: Type.Optional(
      Type.String({ description: "Settings (and API key for send); default: the mapping's or the only one" }),
    ),
    send: Type.Optional(
      Type.Boolean({ description: 'Send the requests through the Iterable client (default false)' }),
    ),
  },
  { additionalProperties: false },
)

async function pickDestination(
  store: Store,
  given: string | undefined,
  mapping: Mapping | null,
): Promise<Destination> {
  if (given !== undefined) return requireDestination(store, given)
  if (mapping !== null) return requireDestination(store, mapping.destinationId)
  const all = await store.listDestinations()
  if (all.length === 1) return all[0]
  throw new AdminApiError(
    400,
    'destination_required',
    'Give "destinationId": there is not exactly one destination.',
    'body.destinationId',
  )
}

/** What test mapping shows of one mapping's evaluation (the mapping always ran: `force`). */
function resultView(
  mappingId: string | null,
  compiled: CompiledMapping,
  evaluation: MappingEvaluation,
  base: string,
) {
  const head = {
    mappingId,
    mapping: compiled.name,
    action: compiled.action.key,
    matched: evaluation.matched,
    triggerError: evaluation.triggerError,
  }
  const { validation, error } = evaluation
  if (validation === null) {
    // The field mapping itself failed on this event.
    const failure = error ?? { code: 'MAPPING_RUNTIME', message: 'The mapping produced no payload.' }
    return {
      ...head,
      payload: null,
      validation: { ok: false, message: failure.message, code: failure.code },
      requests: [] as ShownRequest[],
    }
  }
  return {
    ...head,
    payload: evaluation.payload ?? {},
    validation: !validation.ok
      ? { ok: false, message: validation.message, errors: validation.errors }
      : error !== null
        ? { ok: false, message: error.message, code: error.code }
        : { ok: true },
    requests: plannedRequests(evaluation.deliveries, base),
  }
}

/**
 * Every enabled mapping of the destination that matches the event (or whose trigger fails on it),
 * through the routing delivery uses. Mappings that do not compile are left out, as routing leaves
 * them out (GET /mappings/:id says why).
 */
function evaluateDestination(
  destination: Destination,
  mappings: readonly Mapping[],
  event: unknown,
  receivedAt: number,
  base: string,
) {
  const routing = Routing.compile({ destinations: [routingDestination(destination, mappings, true)] })
  const results = []
  for (const { runs } of routing.evaluate(event, { receivedAt, batching: false, force: true })) {
    for (const { mappingId, mapping, evaluation } of runs) {
      if (evaluation.matched) results.push(resultView(mappingId, mapping, evaluation, base))
      // Reported, but nothing to send: delivery would not send it either.
      else if (evaluation.triggerError !== null)
        results.push({ ...resultView(mappingId, mapping, evaluation, base), requests: [] })
    }
  }
  return results
}

/** Sends the requests in order; a failed one stops the rest (follow-ups only after success). */
async function sendAll(client: IterableClient, requests: readonly ShownRequest[], apiKey: string) {
  const responses = []
  for (const request of requests) {
    const response = await client.send({ method: request.method, path: request.path, body: request.body })
    responses.push(
      scrubSecret(
        {
          url: request.url,
          status: response.status,
          ok: response.outcome.kind === 'success',
          outcome: response.outcome.kind,
          body: response.body ?? null,
          durationMs: response.durationMs,
        },
        apiKey,
      ),
    )
    if (response.outcome.kind !== 'success') break
  }
  return responses
}

export const testMappingResource: Resource = (app, { store, delivery }) => {
  app.post<{ Body: Static<typeof TestMapping> }>(
    '/test-mapping',
    {
      schema: {
        summary:
          'Map an event (draft, stored mapping, or all enabled mappings): payload, validation, requests; optionally send',
        tags: ['test mapping'],
        body: TestMapping,
        response: answers(200, Shapes.TestMappingAnswer),
      },
    },
    async (request) => {
      const body = request.body
      const checkedEvent = validateEvent(body.event)
      if (!checkedEvent.ok) {
        const first = checkedEvent.errors[0]
        throw new AdminApiError(
          400,
          'invalid_event',
          checkedEvent.errors.map((e) => e.message).join('; '),
          `body.event${first?.path.replaceAll('/', '.') ?? ''}`,
          {
            errors: checkedEvent.errors,
          },
        )
      }
      const receivedAt = Date.now()
      const event = normalizeEvent(checkedEvent.event, { receivedAt: new Date(receivedAt) })

      let stored: Mapping | null = null
      if (body.mappingId !== undefined && body.mapping === undefined) {
        stored = await store.getMapping(body.mappingId)
        if (stored === null) throw notFound('mapping', body.mappingId)
      }
      const destination = await pickDestination(store, body.destinationId, stored)
      const settings = checkSettings(destination.settings, 'destination.settings')
      const base = deliveryBaseUrl(delivery, settings.dataCenterLocation)

      let chosen: { mappingId: string | null; compiled: CompiledMapping } | null = null
      if (body.mapping !== undefined) {
        const draft = { ...body.mapping, name: body.mapping.name ?? 'draft' }
        chosen = { mappingId: body.mappingId ?? null, compiled: validateMappingDraft(draft, 'body.mapping') }
      } else if (stored !== null) {
        chosen = {
          mappingId: stored.id,
          compiled: validateMappingDraft({ ...stored, batching: stored.batching }, 'mapping'),
        }
      }
      // A chosen mapping is evaluated even when its trigger does not match.
      const results =
        chosen !== null
          ? [
              resultView(
                chosen.mappingId,
                chosen.compiled,
                evaluateMapping(chosen.compiled, event, settings, {
                  receivedAt,
                  batching: false,
                  force: true,
                }),
                base,
              ),
            ]
          : evaluateDestination(
              destination,
              await store.listMappings(destination.id),
              event,
              receivedAt,
              base,
            )

      if (body.send !== true) return { event, destinationId: destination.id, sent: false, results }

      const apiKey = await store.getDestinationApiKey(destination.id)
      if (apiKey === null) {
        throw new AdminApiError(
          400,
          'no_api_key',
          'This destination has no API key; set one before sending.',
          'destination.settings.apiKey',
        )
      }
      const client = adminClient(delivery, apiKey, settings.dataCenterLocation)
      try {
        const sentResults = []
        for (const result of results) {
          const responses =
            result.validation.ok && result.requests.length > 0
              ? await sendAll(client, result.requests, apiKey)
              : []
          sentResults.push({ ...result, responses })
        }
        return { event, destinationId: destination.id, sent: true, results: sentResults }
      } finally {
        await client.close()
      }
    },
  )
}
