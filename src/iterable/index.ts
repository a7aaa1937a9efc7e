// The Iterable (Actions) destination: definition, actions and their plans, settings, bulk bodies, client.
export { iterableDestination } from './destination.js'
export type { IterableDestination } from './destination.js'
export {
  actions,
  isActionKey,
  updateUser,
  trackEvent,
  updateCart,
  trackPurchase,
  updateSubscriptions,
  registerDeviceToken,
  mergeUsers,
} from './actions/index.js'
export type {
  ActionDefinition,
  ActionKey,
  FollowUpRequest,
  JsonObject,
  PlanContext,
  PlannedDelivery,
  PlanRejection,
} from './actions/types.js'
export {
  PRESETS,
  AUTOMATIC_PRESETS,
  SPECIFIC_EVENT_PRESETS,
  OPTIONAL_PRESETS,
  findPreset,
  defaultMapping,
} from './presets.js'
export type { Preset, AutomaticPreset, SpecificEventPreset, OptionalPreset } from './presets.js'
export { settingsDefinition, validateSettings, PROJECT_TYPES } from './settings.js'
export type { IterableSettings, ProjectType, ValidateSettingsOptions } from './settings.js'
export { DATA_CENTERS, ENDPOINTS, baseUrl, regionalEndpoint, isDataCenterLocation } from './regions.js'
export type { DataCenterLocation, EndpointName } from './regions.js'
export { SettingsValidationError, MappingLimitError } from './errors.js'
export { compileMappingConfig, checkMappingLimit, MappingConfigError, MAX_MAPPINGS } from './mappings.js'
export type { CompiledMapping, MappingConfig, MappingBatching } from './mappings.js'
export { buildBulkRequests } from './bulk.js'
export type { BulkPlan, BulkRequest, OversizedItem } from './bulk.js'
export { BulkBodyBuilder, bulkBody, MAX_BULK_BYTES } from './bulk-body.js'
export type { BulkLimits, BulkListKey } from './bulk-body.js'
export { orderingKeys } from './ordering-keys.js'
export { MAX_BATCH_SIZE } from './shared-fields.js'
export { testAuthentication, AuthenticationError } from './auth.js'
