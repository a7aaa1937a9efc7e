// Preview: the requests a configuration would send for events, without any network (docs/destination.md#preview).
export { previewEvent, previewResults } from './preview-event.js'
export type { PreviewOptions, BulkSink } from './preview-event.js'
export { previewConfig, previewRouting } from './compiled-config.js'
export { PreviewSession } from './session.js'
export type { SessionOptions } from './session.js'
export { PREVIEW_HEADERS, renderRequest, renderFollowUps, renderSingle } from './render.js'
export type {
  PreviewLine,
  PreviewResult,
  PreviewRequest,
  PreviewBulkLine,
  PreviewInputError,
} from './types.js'
