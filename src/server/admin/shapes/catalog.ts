// Answers of the catalog routes: presets, actions with their fields, the destination's settings and
// trigger validation.
import { Type } from '@sinclair/typebox'
import { FreeObject, Nullable } from './common.js'

const Choice = Type.Object({ label: Type.String(), value: Type.String() })

/** A field required only when other fields hold some values. */
const ConditionalRequired = Type.Object({
  match: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('any')])),
  conditions: Type.Array(
    Type.Object({
      fieldKey: Type.String(),
      operator: Type.Union([Type.Literal('is'), Type.Literal('is_not')]),
      value: Type.Optional(Type.Unknown()),
    }),
  ),
})

const fieldProperties = {
  key: Type.String(),
  label: Type.String(),
  description: Nullable(Type.String()),
  type: Type.String({ description: 'string, text, number, integer, datetime, boolean, object …' }),
  required: Type.Union([Type.Boolean(), ConditionalRequired]),
  multiple: Type.Boolean({ description: 'An array of `type`' }),
  allowNull: Type.Boolean(),
  format: Type.Optional(Type.String()),
  choices: Type.Optional(Type.Array(Choice)),
  default: Type.Optional(Type.Unknown({ description: 'The default mapping (literal or directive)' })),
  minimum: Type.Optional(Type.Number()),
  maximum: Type.Optional(Type.Number()),
  hidden: Type.Optional(Type.Literal(true)),
  dynamic: Type.Optional(
    Type.Literal(true, { description: 'Choices from Iterable: GET /destinations/:id/subscription-groups' }),
  ),
}

/** A nested field of an object field. */
export const SubField = Type.Object(fieldProperties)

export const Field = Type.Object({
  ...fieldProperties,
  properties: Type.Optional(Type.Array(SubField, { description: 'An object field’s own fields' })),
})

export const ActionDefinition = Type.Object({
  key: Type.String(),
  title: Type.String(),
  description: Type.String(),
  defaultTrigger: Type.String(),
  batching: Type.Boolean({ description: 'The action has a bulk endpoint' }),
  maxBatchSize: Type.Optional(Type.Integer({ description: 'Only for actions with a bulk endpoint' })),
  fields: Type.Array(Field),
})

export const ActionList = Type.Object({ items: Type.Array(ActionDefinition) })

export const Preset = Type.Object({
  name: Type.String(),
  type: Type.Union([Type.Literal('automatic'), Type.Literal('specificEvent'), Type.Literal('optional')]),
  action: Type.String(),
  trigger: Nullable(Type.String({ description: 'null for specific-event presets: give one' })),
  eventSlug: Type.Optional(Type.String({ description: 'Specific-event presets only' })),
  fields: FreeObject,
})

export const PresetList = Type.Object({ items: Type.Array(Preset) })

export const SettingDefinition = Type.Object({
  key: Type.String(),
  label: Type.String(),
  description: Type.String(),
  type: Type.Union([Type.Literal('string'), Type.Literal('password')]),
  required: Type.Boolean(),
  choices: Type.Optional(Type.Array(Type.Object({ label: Type.String(), value: Type.String() }))),
  default: Type.Optional(Type.String()),
})

export const SettingsDefinition = Type.Object({
  items: Type.Array(SettingDefinition),
  maxMappings: Type.Integer(),
})

/** Where a trigger fails to parse. */
export const TriggerErrorPosition = {
  position: Type.Integer({ description: 'Offset in the text (0-based)' }),
  line: Type.Integer(),
  column: Type.Integer(),
  expected: Type.String(),
  found: Type.String(),
}

/** 200 either way: the canonical form and warnings, or the error with its position. */
export const TriggerValidation = Type.Union([
  Type.Object({ ok: Type.Literal(true), canonical: Type.String(), warnings: Type.Array(Type.String()) }),
  Type.Object({
    ok: Type.Literal(false),
    error: Type.Object({
      code: Type.Literal('trigger_syntax'),
      message: Type.String(),
      path: Type.Literal('body.trigger'),
      ...TriggerErrorPosition,
    }),
  }),
])
