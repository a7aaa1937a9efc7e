// Mappings: list (with delivery counts), get, create from a preset or blank, edit, enable/disable,
// delete. Every save is validated (mapping-validation.ts), the limit of 50 enforced, and the running
// router reloaded so the change takes effect for the next event.
import { Type, type Static } from '@sinclair/typebox'
import { presetMapping } from '../../config/defaults.js'
import { routingMapping } from '../../config/routing-config.js'
import { actions, isActionKey } from '../../iterable/actions/index.js'
import { MAX_MAPPINGS } from '../../iterable/mappings.js'
import { defaultMapping, findPreset, PRESETS } from '../../iterable/presets.js'
import type { Mapping, MappingPatch, OutcomeKind, Store } from '../../store/types.js'
import type { AdminContext, Resource } from './context.js'
import { parseTime } from './context.js'
import { requireDestination } from './destination-access.js'
import { AdminApiError, notFound } from './errors.js'
import { requireUniqueMappingName } from './mapping-names.js'
import { validateMappingDraft, validateMappingToSave, type MappingDraft } from './mapping-validation.js'
import { AnyObject, answers, IdParams, TimeParam } from './schemas.js'
import { Shapes } from './shapes/index.js'
import { pickDefined } from '../../util/pick-defined.js'

const Batching = Type.Union([
  Type.Object(
    { enabled: Type.Optional(Type.Boolean()), size: Type.Optional(Type.Number()) },
    { additionalProperties: false },
  ),
  Type.Null(),
])

const CreateMapping = Type.Object(
  {
    destinationId: Type.Optional(Type.String({ description: 'Default: the only destination' })),
    preset: Type.Optional(Type.String({ description: 'Start from this preset (GET /presets)' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    trigger: Type.Optional(Type.String()),
    action: Type.Optional(Type.String({ description: 'Blank mapping of this action (its defaults)' })),
    fields: Type.Optional(AnyObject),
    enabled: Type.Optional(Type.Boolean()),
    batching: Type.Optional(Batching),
  },
  { additionalProperties: false },
)

const UpdateMapping = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    trigger: Type.Optional(Type.String()),
    action: Type.Optional(Type.String()),
    fields: Type.Optional(AnyObject),
    enabled: Type.Optional(Type.Boolean()),
    batching: Type.Optional(Batching),
    position: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
)

const ListQuery = Type.Object({
  destination: Type.Optional(Type.String()),
  from: Type.Optional(TimeParam),
})

type Counts = Record<OutcomeKind, number>
const emptyCounts = (): Counts => ({ delivered: 0, failed: 0, retrying: 0, dead: 0 })

/** Outcome counts per mapping since `from` (default: the outcome retention). */
async function countsByMapping(
  store: Store,
  from: number,
  destinationId?: string,
): Promise<Map<string, Counts>> {
  const to = Date.now() + 1
  const rows = await store.outcomeCounts({
    from,
    to,
    bucketMs: Math.max(1, to - from),
    ...(destinationId ? { destinationId } : {}),
  })
  const counts = new Map<string, Counts>()
  for (const row of rows) {
    if (row.mappingId === null) continue
    let entry = counts.get(row.mappingId)
    if (entry === undefined) counts.set(row.mappingId, (entry = emptyCounts()))
    entry[row.outcome] += row.count
  }
  return counts
}

function mappingView(
  mapping: Mapping,
  counts: Counts | undefined,
  warnings?: readonly string[],
): Record<string, unknown> {
  return {
    ...mapping,
    counts: counts ?? emptyCounts(),
    ...(warnings !== undefined ? { warnings: [...warnings] } : {}),
  }
}

/** The warnings of a stored mapping; a mapping that no longer compiles reports why. */
function warningsOf(mapping: Mapping): string[] {
  try {
    return [...validateMappingDraft(routingMapping(mapping)).warnings]
  } catch (error) {
    return [`This mapping does not compile and is not routed: ${(error as Error).message}`]
  }
}

async function resolveDestinationId(store: Store, given: string | undefined): Promise<string> {
  if (given !== undefined) return (await requireDestination(store, given)).id
  const all = await store.listDestinations()
  if (all.length === 1) return all[0].id
  throw new AdminApiError(
    400,
    'destination_required',
    'Give "destinationId": there is not exactly one destination.',
    'body.destinationId',
  )
}

/** The draft a create request describes: a preset, or a blank mapping of an action, with overrides. */
function draftFromCreate(body: Static<typeof CreateMapping>): MappingDraft {
  let base: MappingDraft
  if (body.preset !== undefined) {
    const preset = findPreset(body.preset)
    if (preset === undefined) {
      throw new AdminApiError(
        404,
        'unknown_preset',
        `Unknown preset "${body.preset}"; presets: ${PRESETS.map((p) => p.name).join(', ')}.`,
        'body.preset',
      )
    }
    base = { ...presetMapping(preset), batching: null }
    if (body.action !== undefined && body.action !== base.action) {
      throw new AdminApiError(
        400,
        'preset_action_mismatch',
        `Preset "${preset.name}" is for action ${base.action}.`,
        'body.action',
      )
    }
    if (base.trigger === '' && body.trigger === undefined) {
      throw new AdminApiError(
        400,
        'trigger_required',
        `Preset "${preset.name}" is for a specific Segment event; give a "trigger" that selects it.`,
        'body.trigger',
      )
    }
  } else if (body.action !== undefined) {
    if (!isActionKey(body.action)) {
      throw new AdminApiError(
        400,
        'unknown_action',
        `Unknown action "${body.action}"; choose one of: ${Object.keys(actions).join(', ')}.`,
        'body.action',
      )
    }
    const action = actions[body.action]
    base = {
      name: action.title,
      trigger: action.defaultSubscription,
      action: action.key,
      fields: defaultMapping(action.fields),
      batching: null,
    }
  } else {
    throw new AdminApiError(
      400,
      'preset_or_action_required',
      'Give a "preset" name or an "action" for a blank mapping.',
      'body',
    )
  }
  return {
    name: body.name ?? base.name,
    enabled: body.enabled ?? true,
    trigger: body.trigger ?? base.trigger,
    action: base.action,
    fields: body.fields ?? base.fields,
    batching: body.batching ?? base.batching ?? null,
  }
}

async function requireMapping(store: Store, id: string): Promise<Mapping> {
  const mapping = await store.getMapping(id)
  if (mapping === null) throw notFound('mapping', id)
  return mapping
}

async function setEnabled(
  context: AdminContext,
  id: string,
  enabled: boolean,
): Promise<Record<string, unknown>> {
  const mapping = await requireMapping(context.store, id)
  if (enabled) validateMappingToSave({ ...routingMapping(mapping), enabled })
  const updated = (await context.store.updateMapping(id, { enabled })) as Mapping
  await context.delivery.reload()
  return mappingView(updated, undefined, warningsOf(updated))
}

type Params = { Params: Static<typeof IdParams> }

export const mappingsResource: Resource = (app, context) => {
  const { store, delivery } = context

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/mappings',
    {
      schema: {
        summary: 'List mappings with trigger, action, enabled and outcome counts',
        tags: ['mappings'],
        querystring: ListQuery,
        response: answers(200, Shapes.MappingList),
      },
    },
    async (request) => {
      const destination = request.query.destination
      if (destination !== undefined) await requireDestination(store, destination)
      const from = parseTime(request.query.from, 'from') ?? Date.now() - store.limits.outcomeRetentionMs
      const counts = await countsByMapping(store, from, destination)
      const items = (await store.listMappings(destination)).map((m) => mappingView(m, counts.get(m.id)))
      return { items, limit: MAX_MAPPINGS, countsSince: from }
    },
  )

  app.get<Params>(
    '/mappings/:id',
    {
      schema: {
        summary: 'One mapping, with counts and warnings',
        tags: ['mappings'],
        params: IdParams,
        response: answers(200, Shapes.Mapping),
      },
    },
    async (request) => {
      const mapping = await requireMapping(store, request.params.id)
      const counts = await countsByMapping(
        store,
        Date.now() - store.limits.outcomeRetentionMs,
        mapping.destinationId,
      )
      return mappingView(mapping, counts.get(mapping.id), warningsOf(mapping))
    },
  )

  app.post<{ Body: Static<typeof CreateMapping> }>(
    '/mappings',
    {
      schema: {
        summary:
          "Create a mapping from a preset or blank (an action's defaults); validated; at most 50 per destination",
        tags: ['mappings'],
        body: CreateMapping,
        response: answers(201, Shapes.Mapping),
      },
    },
    async (request, reply) => {
      const destinationId = await resolveDestinationId(store, request.body.destinationId)
      const draft = draftFromCreate(request.body)
      const compiled = validateMappingToSave(draft)
      const count = await store.countMappings(destinationId)
      if (count >= MAX_MAPPINGS) {
        throw new AdminApiError(
          409,
          'mapping_limit',
          `A destination can have at most ${MAX_MAPPINGS} mappings and this one has ${count}; delete one first.`,
          'body.destinationId',
          { limit: MAX_MAPPINGS, count },
        )
      }
      await requireUniqueMappingName(store, destinationId, draft.name)
      const mapping = await store.createMapping({
        destinationId,
        name: draft.name,
        enabled: draft.enabled ?? true,
        trigger: draft.trigger,
        action: draft.action,
        fields: draft.fields,
        batching: draft.batching ?? null,
      })
      await delivery.reload()
      return reply.code(201).send(mappingView(mapping, undefined, compiled.warnings))
    },
  )

  app.patch<Params & { Body: Static<typeof UpdateMapping> }>(
    '/mappings/:id',
    {
      schema: {
        summary: 'Edit a mapping (trigger, fields, name, batching, enabled, position); validated',
        tags: ['mappings'],
        params: IdParams,
        body: UpdateMapping,
        response: answers(200, Shapes.Mapping),
      },
    },
    async (request) => {
      const current = await requireMapping(store, request.params.id)
      const patch: MappingPatch = pickDefined(request.body, [
        'name',
        'trigger',
        'action',
        'fields',
        'enabled',
        'batching',
        'position',
      ])
      const compiled = validateMappingToSave({ ...routingMapping(current), ...patch })
      if (patch.name !== undefined)
        await requireUniqueMappingName(store, current.destinationId, patch.name, current.id)
      const updated = (await store.updateMapping(current.id, patch)) as Mapping
      await delivery.reload()
      return mappingView(updated, undefined, compiled.warnings)
    },
  )

  app.post<Params>(
    '/mappings/:id/enable',
    {
      schema: {
        summary: 'Enable a mapping',
        tags: ['mappings'],
        params: IdParams,
        response: answers(200, Shapes.Mapping),
      },
    },
    async (request) => setEnabled(context, request.params.id, true),
  )

  app.post<Params>(
    '/mappings/:id/disable',
    {
      schema: {
        summary: 'Disable a mapping',
        tags: ['mappings'],
        params: IdParams,
        response: answers(200, Shapes.Mapping),
      },
    },
    async (request) => setEnabled(context, request.params.id, false),
  )

  app.delete<Params>(
    '/mappings/:id',
    {
      schema: {
        summary: 'Delete a mapping',
        tags: ['mappings'],
        params: IdParams,
        response: answers(200, Shapes.MappingDeleted),
      },
    },
    async (request) => {
      await requireMapping(store, request.params.id)
      await store.deleteMapping(request.params.id)
      await delivery.reload()
      return { deleted: request.params.id }
    },
  )
}
