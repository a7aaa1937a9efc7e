// Declarative field definitions: the one source of truth for an action's fields. From a
// definition come the default mapping, the JSON Schema used for payload validation and
// coercion (reference §3.3–3.5), and — through `PayloadOf` — the TypeScript payload type.

export type FieldType =
  'string' | 'text' | 'password' | 'number' | 'integer' | 'datetime' | 'boolean' | 'object'

/** A conditional requirement (reference §3.3 "Conditional required"). */
export interface ConditionalRequired {
  match?: 'all' | 'any'
  conditions: ReadonlyArray<{ fieldKey: string; operator: 'is' | 'is_not'; value?: unknown }>
}

export interface FieldDefinition {
  label: string
  description?: string
  type: FieldType
  required?: boolean | ConditionalRequired
  /** An array of `type`. */
  multiple?: boolean
  allowNull?: boolean
  /** An ajv-formats name (`email`, `uri`, …); ignored for datetime/text/password, as in the reference. */
  format?: string
  choices?: ReadonlyArray<string | { label: string; value: string }>
  /** The default mapping value for this field (a literal or a mapping directive). */
  default?: unknown
  /** For strings: min/max length; for numbers: min/max value (only when truthy, as in the reference). */
  minimum?: number
  maximum?: number
  /** For objects: nested fields. Without it, the object may hold anything. */
  properties?: Readonly<Record<string, FieldDefinition>>
  /** For objects with `properties`: keep unknown nested keys (default false: stripped). */
  additionalProperties?: boolean
  /** UI hints, no validation effect. */
  unsafe_hidden?: boolean
  depends_on?: ConditionalRequired
  disabledInputMethods?: readonly string[]
  /** Editors offer choices fetched from the destination (e.g. Iterable's lists); any value validates. */
  dynamic?: boolean
}

export type FieldDefinitions = Readonly<Record<string, FieldDefinition>>

/** Identity helper that keeps literal types so `PayloadOf` can derive the payload type. */
export function defineFields<const T extends FieldDefinitions>(fields: T): T {
  return fields
}

type ScalarOf<F extends FieldDefinition> = F['type'] extends 'string' | 'text' | 'password'
  ? F['choices'] extends ReadonlyArray<infer C>
    ? C extends { value: infer V }
      ? V
      : C
    : string
  : F['type'] extends 'number' | 'integer'
    ? number
    : F['type'] extends 'boolean'
      ? boolean
      : F['type'] extends 'datetime'
        ? string | number
        : F['type'] extends 'object'
          ? F['properties'] extends FieldDefinitions
            ? PayloadOf<F['properties']> &
                (F['additionalProperties'] extends true ? Record<string, unknown> : unknown)
            : Record<string, unknown>
          : never

type ValueOf<F extends FieldDefinition> =
  (F['multiple'] extends true ? ScalarOf<F>[] : ScalarOf<F>) | (F['allowNull'] extends true ? null : never)

type RequiredKeys<T extends FieldDefinitions> = {
  [K in keyof T]: T[K]['required'] extends true ? K : never
}[keyof T]

/** The validated payload type of a set of field definitions. */
export type PayloadOf<T extends FieldDefinitions> = {
  -readonly [K in RequiredKeys<T>]: ValueOf<T[K]>
} & {
  -readonly [K in Exclude<keyof T, RequiredKeys<T>>]?: ValueOf<T[K]>
}
