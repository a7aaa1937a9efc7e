// Directives that reshape data (reference §1.7): @arrayPath, @flatten, @merge, @transform.
import { fail, failing, option, type DirectiveCompiler, type Node } from './node.js'
import { compilePath, stripDollarDot } from './path.js'
import { isPlainObject, realTypeOf, removeUndefined, setOwn, type PlainObject } from './values.js'

export const compileArrayPath: DirectiveCompiler = (value, context) => {
  if (!Array.isArray(value)) return failing(`@arrayPath: expected array, got ${realTypeOf(value)}`)
  const [path, shape] = value as unknown[]
  const root: Node = typeof path === 'string' ? compilePath(stripDollarDot(path)) : context.compile(path)
  if (!isPlainObject(shape) || Object.keys(shape).length === 0) return root
  // The shape is resolved with each item as the payload: the outer event is not visible.
  const resolveItem = context.compile(shape)
  return (payload) => {
    const resolved = root(payload)
    if (Array.isArray(resolved)) return resolved.map((item: unknown) => resolveItem(item))
    if (isPlainObject(resolved)) return [resolveItem(resolved)]
    return resolved
  }
}

function flattenInto(
  target: PlainObject,
  value: unknown,
  prefix: string,
  separator: string,
  omitArrays: boolean,
) {
  if (isPlainObject(value) || (Array.isArray(value) && !omitArrays)) {
    const source = value as Record<string, unknown>
    for (const key of Object.keys(source)) {
      flattenInto(target, source[key], prefix ? prefix + separator + key : key, separator, omitArrays)
    }
  } else {
    setOwn(target, prefix, value)
  }
}

export const compileFlatten: DirectiveCompiler = (options, context) => {
  const separator = option(options, 'separator')
  if (!separator) return failing('@flatten requires a "separator" key')
  const resolveSeparator = context.compile(separator, false)
  // Exact mode: a later key holding undefined still overwrites an earlier one, as in the reference.
  const resolveValue = context.compile(option(options, 'value'), true)
  const omitArrays = Boolean(option(options, 'omitArrays'))
  const exact = context.exact
  return (payload) => {
    const resolvedSeparator = resolveSeparator(payload)
    if (typeof resolvedSeparator !== 'string') fail('@flatten requires a string separator')
    const flat: PlainObject = {}
    flattenInto(flat, resolveValue(payload), '', resolvedSeparator, omitArrays)
    return exact ? flat : removeUndefined(flat)
  }
}

/** Object.assign's copying, with `__proto__` kept as a plain key. */
function assignInto(target: PlainObject, source: unknown): void {
  if (typeof source === 'string') {
    for (let i = 0; i < source.length; i++) target[String(i)] = source[i]
  } else if (typeof source === 'object' && source !== null) {
    const record = source as Record<string, unknown>
    for (const key of Object.keys(record)) setOwn(target, key, record[key])
  }
}

export const compileMerge: DirectiveCompiler = (options, context) => {
  const direction = option(options, 'direction')
  if (!direction) return failing('@merge requires a "direction" key')
  const objects = option(options, 'objects')
  if (!Array.isArray(objects)) {
    return failing(`@merge: expected "objects" to be an array, got ${realTypeOf(objects)}`)
  }
  const resolveDirection = context.compile(direction, false)
  // Exact mode: an element key holding undefined overwrites earlier values (then disappears).
  const elements = objects.map((element: unknown) => context.compile(element, true))
  const exact = context.exact
  return (payload) => {
    const resolved = elements.map((element) => element(payload))
    if (resolveDirection(payload) === 'left') resolved.reverse()
    const merged: PlainObject = {}
    for (const source of resolved) assignInto(merged, source)
    return exact ? merged : removeUndefined(merged)
  }
}

export const compileTransform: DirectiveCompiler = (options, context) => {
  const mapping = option(options, 'mapping')
  if (!mapping) return failing('@transform requires a "mapping" key')
  const apply = option(options, 'apply')
  if (!apply) return failing('@transform requires a "apply" key')
  if (!isPlainObject(apply)) return failing('@transform "apply" key should be an object')
  const first = context.compileProgram(apply)
  const second = context.compile(mapping)
  // Step 2 sees only step 1's result, never the original event.
  return (payload) => second(first(payload))
}
