// Validation of a mapping on save (and in test mapping): unknown action, trigger syntax with its
// position, unknown field names, mapping directive errors with their JSON path, batching. Errors are
// AdminApiError (400) whose `path` points at the problem; warnings come back with a valid mapping.
import { actions, isActionKey } from '../../iterable/actions/index.js'
import {
  checkRequiredFields,
  compileMappingConfig,
  MappingConfigError,
  type CompiledMapping,
} from '../../iterable/mappings.js'
import { MappingValidationError } from '../../engine/mapping/index.js'
import { TriggerSyntaxError } from '../../engine/trigger/index.js'
import { AdminApiError } from './errors.js'

export interface MappingDraft {
  name: string
  enabled?: boolean
  trigger: string
  action: string
  fields: Record<string, unknown>
  batching?: { enabled?: boolean; size?: number } | null
}

/** Batching controls the reference keeps among the fields (D1); not action fields, still accepted. */
const BATCH_CONTROLS = new Set(['enable_batching', 'batch_size'])

/** The trigger error's position, for editors that underline it. */
export function triggerErrorDetails(error: TriggerSyntaxError): Record<string, unknown> {
  return {
    position: error.position,
    line: error.line,
    column: error.column,
    expected: error.expected,
    found: error.found,
  }
}

/** `/dataFields/@path should be …` → `fields.dataFields.@path`. */
function pathOfMappingMessage(message: string, prefix: string): string {
  const match = /^\/(\S*)/.exec(message)
  if (match === null || match[1] === '') return prefix
  return [prefix, ...match[1].split('/')].join('.')
}

/** Compiles a draft or throws AdminApiError naming the part at fault (`prefix` = where the mapping sits in the request). */
export function validateMappingDraft(draft: MappingDraft, prefix = 'body'): CompiledMapping {
  if (!isActionKey(draft.action)) {
    throw new AdminApiError(
      400,
      'unknown_action',
      `Unknown action "${draft.action}"; choose one of: ${Object.keys(actions).join(', ')}.`,
      `${prefix}.action`,
    )
  }
  const definitions = actions[draft.action].fields
  const unknown = Object.keys(draft.fields).filter((key) => !(key in definitions) && !BATCH_CONTROLS.has(key))
  if (unknown.length > 0) {
    throw new AdminApiError(
      400,
      'unknown_field',
      `Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} for action ` +
        `${draft.action}; its fields are: ${Object.keys(definitions).join(', ')}.`,
      `${prefix}.fields.${unknown[0]}`,
      { unknown },
    )
  }
  try {
    return compileMappingConfig({
      name: draft.name,
      enabled: draft.enabled ?? true,
      trigger: draft.trigger,
      action: draft.action,
      fields: draft.fields,
      ...(draft.batching ? { batching: draft.batching } : {}),
    })
  } catch (error) {
    if (!(error instanceof MappingConfigError)) throw error
    const cause = error.cause
    if (cause instanceof TriggerSyntaxError) {
      throw new AdminApiError(
        400,
        'trigger_syntax',
        cause.message,
        `${prefix}.trigger`,
        triggerErrorDetails(cause),
      )
    }
    if (cause instanceof MappingValidationError) {
      throw new AdminApiError(
        400,
        'mapping_invalid',
        cause.message,
        pathOfMappingMessage(cause.messages[0] ?? '', `${prefix}.fields`),
        { messages: [...cause.messages] },
      )
    }
    throw mappingConfigError(error, prefix)
  }
}

function mappingConfigError(error: MappingConfigError, prefix: string): AdminApiError {
  const code =
    error.code === 'FIELD_REQUIRED'
      ? 'field_required'
      : error.path === 'trigger'
        ? 'trigger_invalid'
        : 'mapping_invalid'
  return new AdminApiError(400, code, error.message, `${prefix}.${error.path}`)
}

/**
 * A draft about to be saved (created, edited or enabled): valid, and giving every field its action
 * requires (400 `field_required` naming the field).
 */
export function validateMappingToSave(draft: MappingDraft, prefix = 'body'): CompiledMapping {
  const compiled = validateMappingDraft(draft, prefix)
  try {
    checkRequiredFields(draft)
  } catch (error) {
    if (error instanceof MappingConfigError) throw mappingConfigError(error, prefix)
    throw error
  }
  return compiled
}
