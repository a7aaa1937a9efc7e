// Library entry point: the stable exports named in docs/design (compileTrigger, compileMapping,
// iterableDestination, previewEvent) are re-exported here as each part lands.
export { VERSION } from './version.js'
export { compileMapping, MappingValidationError, MappingRuntimeError } from './engine/mapping/index.js'
