// Answers of the configuration routes: the export is a configuration file (the config file schema),
// the apply answers what changed.
import { Type } from '@sinclair/typebox'
import { ConfigSchema } from '../../../config/schema.js'

/** The export: the config file schema, with ids; API keys as ${ITERABLE_API_KEY}. */
export const ConfigExport = ConfigSchema

export const ConfigApplied = Type.Object({
  changes: Type.Array(Type.String(), { description: 'The changes in words; empty when nothing changes' }),
  dryRun: Type.Boolean(),
  sourcesCreated: Type.Array(Type.String()),
  destinationsCreated: Type.Array(Type.String()),
  destinationsUpdated: Type.Array(Type.String()),
  destinationsResumed: Type.Array(Type.String(), { description: 'Pauses lifted by new credentials' }),
  mappings: Type.Integer({ description: 'Mappings in the applied destinations' }),
  mappingsCreated: Type.Integer(),
  mappingsUpdated: Type.Integer(),
  mappingsDeleted: Type.Integer(),
  warnings: Type.Array(Type.String()),
  problems: Type.Array(
    Type.Object({
      destinationId: Type.String(),
      mappingId: Type.Union([Type.String(), Type.Null()]),
      code: Type.Optional(
        Type.String({ description: 'INVALID_SETTINGS, TRIGGER_SYNTAX, MAPPING_INVALID …' }),
      ),
      message: Type.String(),
    }),
    { description: 'What the reload could not route (a mapping or settings at fault)' },
  ),
})
