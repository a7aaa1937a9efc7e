// The mapping compiler: validates a mapping once and turns it into closures (reference §1.1–1.3).
import {
  compileCase,
  compileExcludeWhenNull,
  compileIf,
  compileJson,
  compileLiteral,
  compilePathDirective,
  compileTemplateDirective,
} from './directives.js'
import { MappingRuntimeError, MappingValidationError } from './errors.js'
import { compileLiquid } from './liquid.js'
import {
  failing,
  type CompileContext,
  type DirectiveCompiler,
  type Node,
  type ProgramRunner,
} from './node.js'
import { compileReplace } from './replace.js'
import { compileArrayPath, compileFlatten, compileMerge, compileTransform } from './structural.js'
import { validateValue } from './validate.js'
import { isPlainObject, realTypeOf, setOwn, type PlainObject } from './values.js'

const DIRECTIVES = new Map<string, DirectiveCompiler>([
  ['@path', compilePathDirective],
  ['@template', compileTemplateDirective],
  ['@literal', compileLiteral],
  ['@if', compileIf],
  ['@case', compileCase],
  ['@replace', compileReplace],
  ['@arrayPath', compileArrayPath],
  ['@json', compileJson],
  ['@flatten', compileFlatten],
  ['@merge', compileMerge],
  ['@transform', compileTransform],
  ['@excludeWhenNull', compileExcludeWhenNull],
  ['@liquid', (value) => compileLiquid(value)],
])

export const ROOT_DIRECTIVE_KEY = '__segment_internal_directive'

/**
 * Runtime classification (§1.2): a plain object whose keys all start with `@` or are `_metadata`,
 * with at least one `@` key; the first `@` key is the directive.
 */
function runtimeDirectiveName(value: PlainObject): string | undefined {
  let name: string | undefined
  for (const key of Object.keys(value)) {
    if (key.startsWith('@')) name ??= key
    else if (key !== '_metadata') return undefined
  }
  return name
}

function compileArray(items: readonly unknown[], context: CompileContext): Node {
  const nodes = items.map((item) => context.compile(item))
  const count = nodes.length
  return (payload) => {
    // Undefined elements stay (they serialise as null), as in the reference.
    const out = new Array<unknown>(count)
    for (let i = 0; i < count; i++) out[i] = nodes[i](payload)
    return out
  }
}

function compileObject(source: PlainObject, context: CompileContext): Node {
  const keys = Object.keys(source)
  const nodes = keys.map((key) => context.compile(source[key]))
  const count = keys.length
  const hasProtoKey = keys.includes('__proto__')
  if (context.exact || hasProtoKey) {
    const keepUndefined = context.exact
    return (payload) => {
      const out: PlainObject = {}
      for (let i = 0; i < count; i++) {
        const value = nodes[i](payload)
        if (value !== undefined || keepUndefined) setOwn(out, keys[i], value)
      }
      return out
    }
  }
  return (payload) => {
    const out: PlainObject = {}
    for (let i = 0; i < count; i++) {
      const value = nodes[i](payload)
      if (value !== undefined) out[keys[i]] = value
    }
    return out
  }
}

function compileValue(value: unknown, exact: boolean): Node {
  const context: CompileContext = {
    exact,
    compile: (child, childExact = exact) => compileValue(child, childExact),
    compileProgram: (mapping) => compileProgram(mapping).run,
  }
  if (Array.isArray(value)) return compileArray(value, context)
  if (!isPlainObject(value)) return () => value
  const name = runtimeDirectiveName(value)
  if (name === undefined) return compileObject(value, context)
  const directive = DIRECTIVES.get(name)
  if (directive === undefined) return failing(`${name} is not a valid directive, got undefined`)
  return directive(value[name], context)
}

/**
 * The mapping as the reference transforms it: a shallow copy, then the root directive (§1.6)
 * expanded. Returns the error message when the root directive is malformed.
 */
function expandRoot(mapping: unknown): PlainObject | string {
  const copy: PlainObject = { ...(mapping as PlainObject) }
  if (!Object.hasOwn(copy, ROOT_DIRECTIVE_KEY)) return copy
  const root = copy[ROOT_DIRECTIVE_KEY]
  if (typeof root !== 'object' || root === null || Object.keys(root).length !== 1) {
    return 'The root mapping must only have a single directive object'
  }
  const [name] = Object.keys(root)
  const options = (root as PlainObject)[name]
  if (typeof options !== 'object' || options === null) return 'The root directive must be an object'
  const fields: PlainObject = {}
  for (const key of Object.keys(copy)) if (key !== ROOT_DIRECTIVE_KEY) setOwn(fields, key, copy[key])
  const expanded: PlainObject = {}
  setOwn(expanded, name, { ...options, mapping: fields })
  return expanded
}

interface Program {
  /** Validation messages; when not empty, running the program throws them. */
  readonly errors: readonly string[]
  /** Resolves one payload without the data-type check (batch elements are not checked). */
  readonly resolve: Node
  /** A full transform of one event: data check, then resolution with undefined removed. */
  readonly run: ProgramRunner
}

function checkData(data: unknown): unknown {
  const payload = data === undefined ? {} : data
  if (!isPlainObject(payload))
    throw new MappingRuntimeError(`data must be an object, got ${realTypeOf(payload)}`)
  return payload
}

function compileProgram(mapping: unknown): Program {
  const expanded = expandRoot(mapping)
  const errors = typeof expanded === 'string' ? [expanded] : validateValue(expanded)
  if (errors.length > 0) {
    const raise = (): never => {
      throw new MappingValidationError(errors)
    }
    return { errors, resolve: raise, run: raise }
  }
  const resolve = compileValue(expanded, false)
  return { errors, resolve, run: (data) => resolve(checkData(data)) }
}

/** The validation messages of a mapping (root directive expanded), in the reference's order. */
export function validateMapping(mapping: unknown): string[] {
  const expanded = expandRoot(mapping)
  return typeof expanded === 'string' ? [expanded] : validateValue(expanded)
}

/** A compiled mapping: the reference's `transform(mapping, event)` for one event. */
export type CompiledMapping = (event?: unknown) => unknown

/**
 * Validates `mapping` once and compiles it. The returned function gives exactly what Segment's
 * mapping-kit `transform(mapping, event)` returns (keys resolving to undefined removed).
 *
 * The result may share sub-objects with the event (e.g. `{"@path":"$.properties"}` returns the
 * event's own object): copy before mutating it. Neither the event nor the mapping is mutated.
 * Events are expected to be JSON data: `undefined` values inside returned event objects are not
 * stripped.
 *
 * @throws MappingValidationError when the mapping is invalid (messages as the reference's).
 * The compiled function throws MappingRuntimeError for runtime failures.
 */
export function compileMapping(mapping: unknown): CompiledMapping {
  const program = compileProgram(mapping)
  if (program.errors.length > 0) throw new MappingValidationError(program.errors)
  return program.run
}

/** The reference's `transformBatch(mapping, events)`: validated once, one result per element. */
export function compileBatchMapping(mapping: unknown): (events?: unknown) => unknown[] {
  const program = compileProgram(mapping)
  if (program.errors.length > 0) throw new MappingValidationError(program.errors)
  const resolve = program.resolve
  return (events = []) => {
    if (!Array.isArray(events))
      throw new MappingRuntimeError(`data must be an array, got ${realTypeOf(events)}`)
    return events.map((event: unknown) => resolve(event))
  }
}
