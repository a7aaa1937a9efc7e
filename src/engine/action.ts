// A subscription, destination-agnostic: trigger + mapping + fields, each compiled ONCE when the
// subscription is compiled (a bad trigger or mapping throws then, never per event). Per event:
// `matches` evaluates the trigger; `payload` runs the mapping, then removeEmptyValues, arrify and
// AJV validation/coercion of the action's fields (reference §3.2 step 5 and §3.9). The event is
// never modified.

import { compileFields } from './fields/index.js'
import type {
  CompiledFields,
  FieldDefinitions,
  FieldError,
  PayloadOf,
  ValidationMode,
} from './fields/index.js'
import { compileMapping, MappingRuntimeError } from './mapping/index.js'
import type { CompiledMapping } from './mapping/index.js'
import { compileTrigger } from './trigger/index.js'
import type { CompiledTrigger } from './trigger/index.js'

export interface SubscriptionDefinition<F extends FieldDefinitions = FieldDefinitions> {
  /** Trigger text (the FQL subset), e.g. `type = "track"`. */
  trigger: string
  /** Mapping-language object: field key → literal or directive. */
  mapping: Record<string, unknown>
  fields: F
}

export type PayloadResult<P> =
  | { ok: true; payload: P }
  | {
      ok: false
      /** `validation`: the reference's AggregateAjvError text; `mapping`: the mapping failed at run time. */
      reason: 'validation' | 'mapping'
      message: string
      /** Per-field errors (validation failures only). */
      errors: readonly FieldError[]
    }

export interface CompiledSubscription<P = Record<string, unknown>> {
  readonly trigger: CompiledTrigger
  readonly mapping: CompiledMapping
  readonly fields: CompiledFields<P>
  /** Whether the trigger selects this event. */
  matches(event: unknown): boolean
  /** The validated payload of this event, or why there is none. */
  payload(event: unknown, mode: ValidationMode): PayloadResult<P>
}

/**
 * Compiles a subscription. Throws the trigger's TriggerSyntaxError or the mapping's
 * MappingValidationError when either is invalid.
 */
export function compileSubscription<const F extends FieldDefinitions>(
  definition: SubscriptionDefinition<F>,
): CompiledSubscription<PayloadOf<F>> {
  const trigger = compileTrigger(definition.trigger)
  const mapping = compileMapping(definition.mapping)
  const fields = compileFields(definition.fields)

  function payload(event: unknown, mode: ValidationMode): PayloadResult<PayloadOf<F>> {
    let mapped: unknown
    try {
      mapped = mapping(event)
    } catch (error) {
      if (error instanceof MappingRuntimeError) {
        return { ok: false, reason: 'mapping', message: error.message, errors: [] }
      }
      throw error
    }
    const result = fields.validate(mapped, mode)
    if (result.ok) return result
    return { ok: false, reason: 'validation', message: result.message, errors: result.errors }
  }

  return { trigger, mapping, fields, matches: (event) => trigger(event), payload }
}
