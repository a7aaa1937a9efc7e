// A destination mapping (trigger + action + field mapping + batching), compiled once: trigger
// parsed, mapping validated and compiled, field schema compiled, batching resolved (D1, D11).
import { compileFields, type CompiledFields } from '../engine/fields/index.js'
import { compileMapping } from '../engine/mapping/index.js'
import { compileTrigger, type CompiledTrigger } from '../engine/trigger/index.js'
import { actions, isActionKey } from './actions/index.js'
import type { ActionDefinition, ActionKey } from './actions/types.js'
import { MappingLimitError } from './errors.js'
import { MAX_BATCH_SIZE } from './shared-fields.js'

/** At most this many mappings per destination. */
export const MAX_MAPPINGS = 50

export interface MappingBatching {
  enabled?: boolean
  size?: number
}

/** A mapping as configured (config file, admin API): the shape of `destinations[].mappings[]`. */
export interface MappingConfig {
  /** The stored mapping's id, when the configuration came from one (`export`). */
  id?: string
  name: string
  enabled?: boolean
  trigger: string
  action: string
  /** Field → literal or mapping directive. May hold the reference's `enable_batching`/`batch_size`. */
  fields: Record<string, unknown>
  batching?: MappingBatching
}

/** A configuration problem in one mapping; `path` is relative to the mapping (`trigger`, `fields`, …). */
export class MappingConfigError extends Error {
  readonly code: string
  constructor(
    readonly path: string,
    message: string,
    code = 'INVALID_MAPPING',
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'MappingConfigError'
    this.code = code
  }
}

export interface CompiledMapping {
  readonly name: string
  readonly enabled: boolean
  readonly action: ActionDefinition
  readonly trigger: CompiledTrigger
  /** The event → raw payload function of the field mapping (batch controls removed, D1). */
  readonly map: (event: unknown) => unknown
  readonly fields: CompiledFields<Record<string, unknown>>
  /** Whether deliveries go through the action's bulk endpoint, and how many items per bulk body. */
  readonly batching: { readonly enabled: boolean; readonly size: number }
  /** Accepted but worth a look: clamped batch sizes, triggers Segment reads differently … */
  readonly warnings: readonly string[]
}

const compiledFieldsCache = new Map<ActionKey, CompiledFields<Record<string, unknown>>>()

function fieldsOf(action: ActionDefinition): CompiledFields<Record<string, unknown>> {
  let compiled = compiledFieldsCache.get(action.key)
  if (compiled === undefined) {
    compiled = compileFields(action.fields)
    compiledFieldsCache.set(action.key, compiled)
  }
  return compiled
}

function resolveBatching(
  action: ActionDefinition,
  fields: Record<string, unknown>,
  explicit: MappingBatching | undefined,
  warnings: string[],
): { enabled: boolean; size: number } {
  const fromFields = fields.enable_batching
  const sizeFromFields = fields.batch_size
  if (fromFields !== undefined && typeof fromFields !== 'boolean') {
    throw new MappingConfigError('fields.enable_batching', 'enable_batching must be true or false.')
  }
  if (sizeFromFields !== undefined && typeof sizeFromFields !== 'number') {
    throw new MappingConfigError('fields.batch_size', 'batch_size must be a number.')
  }
  const canBatch = action.bulkEndpoint !== undefined
  let enabled = explicit?.enabled ?? fromFields ?? canBatch
  const sizePath = explicit?.size !== undefined ? 'batching.size' : 'fields.batch_size'
  let size = explicit?.size ?? sizeFromFields ?? MAX_BATCH_SIZE
  if (!Number.isFinite(size) || size < 1) {
    throw new MappingConfigError(sizePath, `Batch size must be between 1 and ${MAX_BATCH_SIZE}, got ${size}.`)
  }
  size = Math.floor(size)
  if (size > MAX_BATCH_SIZE) {
    warnings.push(
      `Batch size ${size} is above Iterable's maximum of ${MAX_BATCH_SIZE}; ${MAX_BATCH_SIZE} is used.`,
    )
    size = MAX_BATCH_SIZE
  }
  if (enabled && !canBatch) {
    warnings.push(`${action.title} (${action.key}) has no bulk endpoint; its events are sent one by one.`)
    enabled = false
  }
  return { enabled, size }
}

/** Compiles one mapping; throws MappingConfigError (with the failing part as `path`). */
export function compileMappingConfig(config: MappingConfig): CompiledMapping {
  if (!isActionKey(config.action)) {
    throw new MappingConfigError(
      'action',
      `Unknown action "${String(config.action)}"; expected one of: ${Object.keys(actions).join(', ')}.`,
    )
  }
  const action = actions[config.action]
  const warnings: string[] = []

  let trigger: CompiledTrigger
  try {
    trigger = compileTrigger(config.trigger)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new MappingConfigError('trigger', message, 'TRIGGER_SYNTAX', { cause: error })
  }
  warnings.push(...trigger.warnings)

  const { enable_batching: _enable, batch_size: _size, ...fieldMapping } = config.fields
  const batching = resolveBatching(action, config.fields, config.batching, warnings)

  let map: (event: unknown) => unknown
  try {
    map = compileMapping(fieldMapping)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new MappingConfigError('fields', message, 'MAPPING_INVALID', { cause: error })
  }

  return {
    name: config.name,
    enabled: config.enabled ?? true,
    action,
    trigger,
    map,
    fields: fieldsOf(action),
    batching,
    warnings,
  }
}

/** A value the mapping gives a field: absent, null and the empty string give nothing. */
function givesValue(value: unknown): boolean {
  return value !== undefined && value !== null && value !== ''
}

/**
 * A mapping must give every field its action requires (as the reference's field validation refuses
 * a mapping without one when it is saved); throws MappingConfigError `FIELD_REQUIRED` naming the
 * first missing field. Checked on save, not when routing, so a stored mapping keeps being routed.
 */
export function checkRequiredFields(config: Pick<MappingConfig, 'action' | 'fields'>): void {
  if (!isActionKey(config.action)) return
  const action = actions[config.action]
  for (const [key, definition] of Object.entries(action.fields)) {
    if (definition.required !== true || givesValue(config.fields[key])) continue
    const suggestion =
      definition.default === undefined ? '' : ` (its default: ${JSON.stringify(definition.default)})`
    throw new MappingConfigError(
      `fields.${key}`,
      `${action.title} requires the field "${key}" (${definition.label}); map it${suggestion}.`,
      'FIELD_REQUIRED',
    )
  }
}

export function checkMappingLimit(count: number): void {
  if (count > MAX_MAPPINGS) throw new MappingLimitError(count, MAX_MAPPINGS)
}
