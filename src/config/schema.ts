// The one configuration schema (YAML or JSON) shared by `preview --config`, `apply`, `export` and
// `serve --config`. TypeBox gives both the JSON Schema used to validate files and the static types.
import { Type, type Static } from '@sinclair/typebox'

export const BatchingSchema = Type.Object(
  {
    enabled: Type.Optional(
      Type.Boolean({ description: 'Send through the bulk endpoint (updateUser, trackEvent).' }),
    ),
    size: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Items per bulk request, 1..1000 (larger values are clamped).',
      }),
    ),
  },
  { additionalProperties: false },
)

export const MappingSchema = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'As exported: `apply` matches the stored mapping by it (else by name) and keeps its history.',
      }),
    ),
    name: Type.String({ minLength: 1, description: 'Unique within the destination, ignoring case.' }),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    preset: Type.Optional(
      Type.String({
        description: 'Start from a preset: its trigger, action and fields, overridden by what is given here.',
      }),
    ),
    trigger: Type.Optional(
      Type.String({ description: 'Trigger (FQL), e.g. type = "track" and event = "Signed Up".' }),
    ),
    action: Type.Optional(
      Type.Union([
        Type.Literal('updateUser'),
        Type.Literal('trackEvent'),
        Type.Literal('updateCart'),
        Type.Literal('trackPurchase'),
        Type.Literal('updateSubscriptions'),
        Type.Literal('registerDeviceToken'),
        Type.Literal('mergeUsers'),
        Type.Literal('syncAudience'),
      ]),
    ),
    fields: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          'Field → literal or mapping directive; `enable_batching`/`batch_size` are read as batching.',
      }),
    ),
    batching: Type.Optional(BatchingSchema),
  },
  { additionalProperties: false },
)

export const SettingsSchema = Type.Object(
  {
    apiKey: Type.Optional(Type.String({ description: 'Secret: write it as ${ENV_VAR}.' })),
    dataCenterLocation: Type.Optional(Type.String({ description: 'united_states (default) or europe.' })),
    projectType: Type.Optional(Type.String({ description: 'email, userId or hybrid (optional).' })),
  },
  { additionalProperties: false },
)

export const DestinationSchema = Type.Object(
  {
    id: Type.Optional(
      Type.String({ minLength: 1, description: 'As exported: `apply` matches by it (else by name).' }),
    ),
    name: Type.String({ minLength: 1, description: 'Unique, ignoring case.' }),
    type: Type.Optional(Type.Literal('iterable')),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    settings: Type.Optional(SettingsSchema),
    mappings: Type.Optional(
      Type.Array(MappingSchema, { description: 'Default when absent: the four automatic presets.' }),
    ),
  },
  { additionalProperties: false },
)

export const SourceSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    writeKey: Type.String({ minLength: 1, description: 'Secret: may be written as ${ENV_VAR}.' }),
  },
  { additionalProperties: false },
)

export const ConfigSchema = Type.Object(
  {
    sources: Type.Optional(Type.Array(SourceSchema)),
    destinations: Type.Optional(Type.Array(DestinationSchema)),
  },
  { additionalProperties: false },
)

export type BatchingConfigFile = Static<typeof BatchingSchema>
export type MappingConfigFile = Static<typeof MappingSchema>
export type SettingsConfigFile = Static<typeof SettingsSchema>
export type DestinationConfigFile = Static<typeof DestinationSchema>
export type SourceConfigFile = Static<typeof SourceSchema>
/** A configuration file as written (before `${ENV}` resolution and defaults). */
export type ConfigFile = Static<typeof ConfigSchema>
