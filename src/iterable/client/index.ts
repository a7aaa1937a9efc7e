export { IterableClient } from './client.js'
export type { HttpMethod, IterableClientOptions, IterableRequest, IterableResponse } from './client.js'
export { IterableConnections } from './connections.js'
export type { ConnectionOptions } from './connections.js'
export {
  classifyResponse,
  classifyTransportError,
  isRetryableStatus,
  readEnvelope,
  transportFailureReason,
} from './classify.js'
export type { IterableEnvelope, ResponseHeaders, TransportFailureReason } from './classify.js'
export { IterableClientConfigError } from './errors.js'
export type { IterableClientErrorCode } from './errors.js'
export { POLICY_BY_KIND } from './outcome.js'
export type { IterableOutcome, OutcomeKind, OutcomePolicy } from './outcome.js'
export { ITERABLE_REGIONS, isIterableRegion, regionBaseUrl } from './regions.js'
export type { IterableRegion } from './regions.js'
export { parseRetryAfter } from './retry-after.js'
export { statusErrorCode } from './status-names.js'
export { bulkOutcomes, screenedMismatchOutcome } from './bulk-outcomes.js'
export type { BulkFailureReason, BulkItemOutcome } from './bulk-outcomes.js'
export type { BulkItem, BulkKind, BulkResponse } from './bulk-types.js'
export {
  carriesMismatch,
  FIELD_TYPES_MISMATCHED,
  findMismatchedItems,
  isFieldTypeMismatch,
  locateMismatchedItems,
  readValidationErrors,
} from './mismatch.js'
export type { FieldTypeError, MismatchedItem } from './mismatch.js'
export { FieldTypeMemory } from './field-type-memory.js'
export type { FieldTypeMemoryOptions, ScreenedItem } from './field-type-memory.js'
export { normaliseFieldType, possibleFieldTypes } from './field-types.js'
export type { IterableFieldType } from './field-types.js'
export { explainGatedEndpoint, SUBSCRIPTIONS_API_NOT_ENABLED } from './endpoint-gates.js'
export { LIST_MEMBER_PATHS, ListIds, LISTS_PATH } from './list-ids.js'
export type { ListIdResult, ListRequest } from './list-ids.js'
