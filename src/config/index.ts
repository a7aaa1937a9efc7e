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
export type { ApiKeyChoice, LoadOptions, LoadedConfig, LoadedDestination, LoadedSource } from './load.js'
export { ConfigError } from './errors.js'
export { resolveEnvReferences, MissingEnvError } from './env.js'
export { DEFAULT_DESTINATION_NAME, defaultMappings, presetMapping } from './defaults.js'
export { exportConfig } from './sync.js'
export { applyConfig, planConfig } from './plan.js'
export type { ApplySummary, ConfigPlan } from './plan.js'
