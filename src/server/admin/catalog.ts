// The destination's definition for editors: presets, actions with their fields, settings, and live
// trigger validation (text → canonical form and warnings, or the error with its position).
import { Type, type Static } from '@sinclair/typebox'
import type { FieldDefinition } from '../../engine/fields/types.js'
import { compileTrigger, TriggerSyntaxError } from '../../engine/trigger/index.js'
import { actions } from '../../iterable/actions/index.js'
import { iterableDestination } from '../../iterable/destination.js'
import { PRESETS } from '../../iterable/presets.js'
import { MAX_BATCH_SIZE } from '../../iterable/shared-fields.js'
import type { Resource } from './context.js'
import { triggerErrorDetails } from './mapping-validation.js'
import { answers } from './schemas.js'
import { Shapes } from './shapes/index.js'

function fieldView(key: string, field: FieldDefinition): Record<string, unknown> {
  return {
    key,
    label: field.label,
    description: field.description ?? null,
    type: field.type,
    required: field.required ?? false,
    multiple: field.multiple ?? false,
    allowNull: field.allowNull ?? false,
    ...(field.format !== undefined ? { format: field.format } : {}),
    ...(field.choices !== undefined ? { choices: field.choices } : {}),
    ...(field.default !== undefined ? { default: field.default } : {}),
    ...(field.minimum !== undefined ? { minimum: field.minimum } : {}),
    ...(field.maximum !== undefined ? { maximum: field.maximum } : {}),
    ...(field.properties !== undefined
      ? { properties: Object.entries(field.properties).map(([k, f]) => fieldView(k, f)) }
      : {}),
    ...(field.unsafe_hidden ? { hidden: true } : {}),
    // Choices come from Iterable (GET /destinations/:id/subscription-groups for a subscription's group id).
    ...(field.dynamic === true ? { dynamic: true } : {}),
  }
}

/** Computed once: the definition does not change while the service runs. */
const ACTIONS_VIEW = Object.values(actions).map((action) => ({
  key: action.key,
  title: action.title,
  description: action.description,
  defaultTrigger: action.defaultSubscription,
  batching: action.bulkEndpoint !== undefined,
  ...(action.bulkEndpoint !== undefined ? { maxBatchSize: MAX_BATCH_SIZE } : {}),
  fields: Object.entries(action.fields).map(([key, field]) => fieldView(key, field)),
}))

const PRESETS_VIEW = PRESETS.map((preset) => ({
  name: preset.name,
  type: preset.type,
  action: preset.partnerAction,
  trigger: preset.type === 'specificEvent' ? null : preset.subscribe,
  ...(preset.type === 'specificEvent' ? { eventSlug: preset.eventSlug } : {}),
  fields: preset.mapping,
}))

const SETTINGS_VIEW = Object.entries(iterableDestination.settings).map(([key, setting]) => ({
  key,
  ...setting,
}))

const ValidateTrigger = Type.Object({ trigger: Type.String() }, { additionalProperties: false })

export const catalogResource: Resource = (app) => {
  app.get(
    '/presets',
    {
      schema: {
        summary: 'The presets (automatic, specific-event and optional)',
        tags: ['catalog'],
        response: answers(200, Shapes.PresetList),
      },
    },
    async () => ({
      items: PRESETS_VIEW,
    }),
  )

  app.get(
    '/actions',
    {
      schema: {
        summary: 'The actions and their fields (label, description, type, required, default …)',
        tags: ['catalog'],
        response: answers(200, Shapes.ActionList),
      },
    },
    async () => ({ items: ACTIONS_VIEW }),
  )

  app.get(
    '/settings-definition',
    {
      schema: {
        summary: 'The destination settings and their choices',
        tags: ['catalog'],
        response: answers(200, Shapes.SettingsDefinition),
      },
    },
    async () => ({ items: SETTINGS_VIEW, maxMappings: iterableDestination.maxMappings }),
  )

  app.post<{ Body: Static<typeof ValidateTrigger> }>(
    '/triggers/validate',
    {
      schema: {
        summary:
          'Validate trigger text (live validation): ok + canonical + warnings, or the error with its position',
        tags: ['catalog'],
        body: ValidateTrigger,
        response: answers(200, Shapes.TriggerValidation),
      },
    },
    async (request) => {
      try {
        const trigger = compileTrigger(request.body.trigger)
        return { ok: true, canonical: trigger.canonical, warnings: [...trigger.warnings] }
      } catch (error) {
        if (!(error instanceof TriggerSyntaxError)) throw error
        return {
          ok: false,
          error: {
            code: 'trigger_syntax',
            message: error.message,
            path: 'body.trigger',
            ...triggerErrorDetails(error),
          },
        }
      }
    },
  )
}
