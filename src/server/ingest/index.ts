// Ingest: the Segment HTTP Tracking API compatible routes (see docs/ingest.md).
export { ingestRoutes, registerIngest } from './plugin.js'
export { IngestError, type IngestErrorCode } from './errors.js'
export {
  DEFAULT_LIMITS,
  type AcceptInfo,
  type AcceptResult,
  type IngestLimits,
  type IngestOptions,
  type ResolvedSource,
} from './options.js'
export type { Rejection } from './rejections.js'
export { ALL_INGEST_PATHS, BATCH_ROUTES, SINGLE_EVENT_ROUTES } from './routes.js'
export { MISSING_WRITE_KEY_MESSAGE, INVALID_WRITE_KEY_MESSAGE } from './write-key.js'
