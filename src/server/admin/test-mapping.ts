// Test mapping: an event through a mapping draft, a stored mapping, or every enabled mapping of a
// destination → whether the trigger matches, the mapped payload, its validation and the requests
// that would be sent; with `send: true` they are sent and Iterable's answers returned (never the key).
import { Type, type Static } from '@sinclair/typebox'
import { normalizeEvent, validateEvent } from '../../engine/event/index.js'
import type { IterableClient } from '../../iterable/client/index.js'
import type { CompiledMapping } from '../../iterable/mappings.js'
import { planEvent } from '../../iterable/plan.js'
import { PREVIEW_HEADERS } from '../../iterable/preview/render.js'
import type { IterableSettings } from '../../iterable/settings.js'
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
import { AnyObject } from './schemas.js'

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

interface ShownRequest {
  method: 'POST'
  url: string
  path: string
  headers: Readonly<Record<string, string>>
  body: unknown
}

interface Candidate {
  mappingId: string | null
  compiled: CompiledMapping
  /** Explicitly chosen: evaluated even when the trigger does not match. */
  chosen: boolean
}

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

function evaluate(
  candidate: Candidate,
  event: unknown,
  settings: IterableSettings,
  base: string,
  receivedAt: number,
) {
  const { compiled } = candidate
  let matched = false
  try {
    matched = compiled.trigger(event)
  } catch {
    matched = false
  }
  const head = {
    mappingId: candidate.mappingId,
    mapping: compiled.name,
    action: compiled.action.key,
    matched,
  }
  let payload: unknown
  try {
    payload = compiled.map(event) ?? {}
  } catch (error) {
    return {
      ...head,
      payload: null,
      validation: { ok: false, message: (error as Error).message },
      requests: [] as ShownRequest[],
    }
  }
  const checked = compiled.fields.validate(payload, 'single')
  const plan = planEvent(compiled, event, settings, { receivedAt, batching: false })
  const requests: ShownRequest[] = []
  if (plan.ok) {
    for (const delivery of plan.deliveries) {
      const parts = [
        { path: delivery.endpoint, body: delivery.item as unknown },
        ...(delivery.followUps ?? []),
      ]
      for (const part of parts) {
        requests.push({
          method: 'POST',
          url: base + part.path,
          path: part.path,
          headers: PREVIEW_HEADERS,
          body: part.body,
        })
      }
    }
  }
  const validation = !checked.ok
    ? { ok: false, message: checked.message, errors: checked.errors }
    : plan.ok
      ? { ok: true }
      : { ok: false, message: plan.error.message, code: plan.error.code }
  return { ...head, payload, validation, requests }
}

/** Sends the requests in order; a failed one stops the rest (follow-ups only after success). */
async function sendAll(client: IterableClient, requests: readonly ShownRequest[], apiKey: string) {
  const responses = []
  for (const request of requests) {
    const response = await client.send({ method: 'POST', path: request.path, body: request.body })
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

      const candidates: Candidate[] = []
      if (body.mapping !== undefined) {
        const draft = { ...body.mapping, name: body.mapping.name ?? 'draft' }
        candidates.push({
          mappingId: body.mappingId ?? null,
          compiled: validateMappingDraft(draft, 'body.mapping'),
          chosen: true,
        })
      } else if (stored !== null) {
        candidates.push({
          mappingId: stored.id,
          compiled: validateMappingDraft({ ...stored, batching: stored.batching as never }, 'mapping'),
          chosen: true,
        })
      } else {
        for (const mapping of await store.listMappings(destination.id)) {
          if (!mapping.enabled) continue
          try {
            const compiled = validateMappingDraft(
              { ...mapping, batching: mapping.batching as never },
              'mapping',
            )
            candidates.push({ mappingId: mapping.id, compiled, chosen: false })
          } catch {
            // Not routed either; GET /mappings/:id shows why.
          }
        }
      }

      const results = candidates
        .map((c) => ({ candidate: c, result: evaluate(c, event, settings, base, receivedAt) }))
        .filter(({ candidate, result }) => candidate.chosen || result.matched)
        .map(({ result }) => result)

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
