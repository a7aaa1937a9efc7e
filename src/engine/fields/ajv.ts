// The one shared AJV instance for payload validation, configured as the reference's (§3.5):
// coercion (including array wrapping/unwrapping), all errors, union types, silent removal of
// properties that `additionalProperties: false` forbids; ajv-formats plus `text`, `password`
// (always valid) and `date-like`. `verbose` keeps `parentSchema` on errors for the titles.

import { Ajv } from 'ajv'
import formatsModule from 'ajv-formats'
import type { FormatsPlugin } from 'ajv-formats'
import type { ErrorObject, ValidateFunction } from 'ajv'
import { isDateLike } from './date-like.js'
import type { JsonSchema } from './json-schema.js'

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((formatsModule as unknown as { default?: FormatsPlugin }).default ??
  formatsModule) as unknown as FormatsPlugin

function createAjv(): Ajv {
  const ajv = new Ajv({
    coerceTypes: 'array',
    allErrors: true,
    allowUnionTypes: true,
    removeAdditional: true,
    verbose: true,
    // Field schemas legitimately keep `format`/length bounds on arrays (reference quirk) and carry
    // directive objects in `default`; strict mode would log or throw about those.
    strict: false,
  })
  addFormats(ajv)
  ajv.addFormat('text', () => true)
  ajv.addFormat('password', () => true)
  ajv.addFormat('date-like', { type: 'string', validate: isDateLike })
  return ajv
}

let shared: Ajv | undefined
/** Validators by schema text: equal field sets (e.g. many mappings of one action) share one. */
const validators = new Map<string, ValidateFunction>()

export function compileValidator(schema: JsonSchema): ValidateFunction {
  const key = JSON.stringify(schema)
  let validate = validators.get(key)
  if (validate === undefined) {
    shared ??= createAjv()
    validate = shared.compile(schema)
    // AJV keeps every compiled schema object in its own cache; the map above is the cache, so drop
    // AJV's entry (the validate function does not need it) to keep memory bounded by distinct schemas.
    shared.removeSchema(schema)
    validators.set(key, validate)
  }
  return validate
}

export type { ErrorObject, ValidateFunction }
