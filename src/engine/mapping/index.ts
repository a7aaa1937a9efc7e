// The mapping language (Segment's mapping-kit), compiled once per mapping.
export {
  compileMapping,
  compileBatchMapping,
  validateMapping,
  ROOT_DIRECTIVE_KEY,
  type CompiledMapping,
} from './compile.js'
export { MappingRuntimeError, MappingValidationError } from './errors.js'
export { getFieldValueKeys } from './field-value-keys.js'
export { DIRECTIVE_NAMES } from './validate.js'
export { splitPath } from './path.js'
