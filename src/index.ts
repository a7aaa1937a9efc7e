// Library entry point: the stable exports named in docs/design (compileTrigger, compileMapping,
// iterableDestination, previewEvent) are re-exported here as each part lands.
export { VERSION } from './version.js'
export { compileMapping, MappingValidationError, MappingRuntimeError } from './engine/mapping/index.js'
export {
  compileFields,
  defineFields,
  fieldsToJsonSchema,
  PayloadValidationError,
} from './engine/fields/index.js'
export type {
  CompiledFields,
  FieldDefinition,
  FieldDefinitions,
  FieldError,
  PayloadOf,
  ValidationMode,
  ValidationResult,
} from './engine/fields/index.js'
export { validateEvent, normalizeEvent } from './engine/event/index.js'
export type {
  SegmentEvent,
  NormalizedEvent,
  EventError,
  EventValidationResult,
} from './engine/event/index.js'
export { compileSubscription } from './engine/action.js'
export type { CompiledSubscription, PayloadResult, SubscriptionDefinition } from './engine/action.js'
export {
  iterableDestination,
  actions,
  PRESETS,
  AUTOMATIC_PRESETS,
  SPECIFIC_EVENT_PRESETS,
  compileMappingConfig,
  buildBulkRequests,
  BulkBodyBuilder,
  orderingKeys,
  validateSettings,
  testAuthentication,
} from './iterable/index.js'
export type { PlannedDelivery, IterableSettings, MappingConfig } from './iterable/index.js'
export { Routing, evaluateMapping } from './routing/index.js'
export type {
  RoutingConfig,
  RoutingDestination,
  RoutingMapping,
  DestinationRouting,
  RoutedItem,
  RoutingFailure,
  MappingEvaluation,
} from './routing/index.js'
export { previewEvent, previewConfig } from './preview/index.js'
export type { PreviewLine, PreviewResult } from './preview/index.js'
export { loadConfig, parseConfig, defaultConfig, ConfigError } from './config/index.js'
export type { LoadedConfig } from './config/index.js'
export { compileTrigger, parseTrigger, formatTrigger, TriggerSyntaxError } from './engine/trigger/index.js'
export type { CompiledTrigger, TriggerAst, TriggerNode } from './engine/trigger/index.js'
