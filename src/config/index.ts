export {
  ConfigSchema,
  DestinationSchema,
  MappingSchema,
  SettingsSchema,
  SourceSchema,
  BatchingSchema,
} from './schema.js'
export type {
  ConfigFile,
  DestinationConfigFile,
  MappingConfigFile,
  SettingsConfigFile,
  SourceConfigFile,
  BatchingConfigFile,
} from './schema.js'
export { loadConfig, parseConfig, defaultConfig } from './load.js'
export type { LoadOptions, LoadedConfig, LoadedDestination, LoadedSource } from './load.js'
export { ConfigError } from './errors.js'
export { resolveEnvReferences, MissingEnvError } from './env.js'
export { DEFAULT_DESTINATION_NAME, defaultMappings, presetMapping } from './defaults.js'
export { applyConfig, exportConfig } from './sync.js'
export type { ApplySummary } from './sync.js'
