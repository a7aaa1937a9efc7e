// compileFields: everything derived from a set of field definitions, compiled once: the JSON
// Schema, the default mapping, and the payload pipeline removeEmptyValues → arrify → AJV
// (reference §3.2 step 5, §3.9). The caller's payload is never written into.

import { compileValidator } from './ajv.js'
import type { ValidateFunction } from './ajv.js'
import { PayloadValidationError } from './errors.js'
import { joinMessages, toFieldErrors } from './messages.js'
import type { FieldError } from './messages.js'
import { compilePayloadCleaner } from './remove-empty.js'
import type { PayloadCleaner } from './remove-empty.js'
import { fieldsToJsonSchema } from './schema.js'
import type { JsonSchema } from './json-schema.js'
import type { FieldDefinitions, PayloadOf } from './types.js'

/**
 * `single`: the reference's single-event rules (a top-level `""` is removed whatever the field type).
 * `batch`: the reference's batch rules (a top-level `""` of a string/datetime field is kept).
 */
export type ValidationMode = 'single' | 'batch'

export type ValidationResult<P> =
  { ok: true; payload: P } | { ok: false; message: string; errors: FieldError[] }

export interface CompiledFields<P = Record<string, unknown>> {
  /** The JSON Schema, or undefined for an action without fields (nothing removed, validated or stripped). */
  readonly schema: JsonSchema | undefined
  /** `{key: field.default}` for every field with a default (a fresh copy on each call). */
  defaults(): Record<string, unknown>
  /** Cleans, coerces and validates a mapped payload; returns a new payload, the input is untouched. */
  validate(payload: unknown, mode: ValidationMode): ValidationResult<P>
  /** Like `validate`, but throws PayloadValidationError. */
  parse(payload: unknown, mode: ValidationMode): P
}

export function compileFields<const T extends FieldDefinitions>(fields: T): CompiledFields<PayloadOf<T>> {
  const schema = fieldsToJsonSchema(fields)
  const defaultMapping: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(fields)) {
    if (field.default !== undefined) defaultMapping[key] = field.default
  }

  let validator: ValidateFunction | undefined
  let clean: PayloadCleaner | undefined
  if (schema) {
    validator = compileValidator(schema)
    clean = compilePayloadCleaner(schema)
  }

  function validate(payload: unknown, mode: ValidationMode): ValidationResult<PayloadOf<T>> {
    if (!validator || !clean) return { ok: true, payload: payload as PayloadOf<T> }
    const prepared = clean(payload, mode === 'single')
    if (validator(prepared)) return { ok: true, payload: prepared as PayloadOf<T> }
    const errors = toFieldErrors(validator.errors ?? [])
    return { ok: false, message: joinMessages(errors), errors }
  }

  return {
    schema,
    defaults: () => structuredClone(defaultMapping),
    validate,
    parse(payload, mode) {
      const result = validate(payload, mode)
      if (!result.ok) throw new PayloadValidationError(result.message, result.errors)
      return result.payload
    },
  }
}
