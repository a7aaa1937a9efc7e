// The value directives (reference §1.7): @path, @template, @literal, @if, @case, @json,
// @excludeWhenNull. Structural ones (@arrayPath, @flatten, @merge, @transform) are in structural.ts.
import { fail, failing, option, returnUndefined, type DirectiveCompiler, type Node } from './node.js'
import { compilePath, stripDollarDot } from './path.js'
import { compileTemplate } from './template.js'
import { isPlainObject, realTypeOf, setOwn, toJsString, type PlainObject } from './values.js'

const DYNAMIC_CACHE_LIMIT = 256

/**
 * A directive whose option is a string or a directive resolving to one. A literal string is
 * compiled once; a computed one is compiled on first sight and cached.
 */
function stringDirective(name: string, build: (text: string) => Node): DirectiveCompiler {
  return (value, context) => {
    if (typeof value === 'string') return build(value)
    const resolveText = context.compile(value, false)
    const cache = new Map<string, Node>()
    return (payload) => {
      const text = resolveText(payload)
      if (typeof text !== 'string') fail(`${name}: expected string, got ${realTypeOf(text)}`)
      let node = cache.get(text)
      if (node === undefined) {
        node = build(text)
        if (cache.size >= DYNAMIC_CACHE_LIMIT) cache.clear()
        cache.set(text, node)
      }
      return node(payload)
    }
  }
}

export const compilePathDirective = stringDirective('@path', (path) => compilePath(stripDollarDot(path)))

export const compileTemplateDirective = stringDirective('@template', compileTemplate)

export const compileLiteral: DirectiveCompiler = (value, context) => context.compile(value)

/** `value != ''` under JavaScript's loose equality, without calling into the value. */
function looselyEqualsEmptyString(value: unknown): boolean {
  if (typeof value === 'string') return value === ''
  if (typeof value === 'number') return value === 0
  if (typeof value === 'boolean') return value === false
  if (Array.isArray(value)) return toJsString(value) === ''
  return false
}

export const compileIf: DirectiveCompiler = (options, context) => {
  const exists = option(options, 'exists')
  const blank = option(options, 'blank')
  if (!exists && !blank) return failing('@if requires an "exists" key or a "blank" key')
  let condition: (payload: unknown) => boolean
  if (exists !== undefined) {
    const resolve = context.compile(exists, false)
    condition = (payload) => {
      const value = resolve(payload)
      return value !== undefined && value !== null
    }
  } else {
    const resolve = context.compile(blank, false)
    condition = (payload) => {
      const value = resolve(payload)
      return value !== undefined && value !== null && !looselyEqualsEmptyString(value)
    }
  }
  const thenValue = option(options, 'then')
  const elseValue = option(options, 'else')
  const thenNode = thenValue === undefined ? returnUndefined : context.compile(thenValue)
  // A falsy literal `else` (0, false, "", null) is ignored, as in the reference.
  const elseNode = elseValue ? context.compile(elseValue) : returnUndefined
  return (payload) => (condition(payload) ? thenNode(payload) : elseNode(payload))
}

export const compileCase: DirectiveCompiler = (options, context) => {
  const operator = option(options, 'operator')
  if (!operator) return failing('@case requires a "operator" key')
  const value = option(options, 'value')
  if (!value) return returnUndefined
  const resolve = context.compile(value)
  return (payload) => {
    const resolved = resolve(payload)
    if (typeof resolved !== 'string') return resolved
    if (operator === 'lower') return resolved.toLowerCase()
    if (operator === 'upper') return resolved.toUpperCase()
    return fail('operator key should have a value of "lower" or "upper"')
  }
}

export const compileJson: DirectiveCompiler = (options, context) => {
  const mode = option(options, 'mode')
  if (!mode) return failing('@json requires a "mode" key')
  const value = option(options, 'value')
  if (!value) return failing('@json requires a "value" key')
  if (mode === 'encode') {
    // JSON text drops undefined keys itself, so the clean form is enough.
    const resolve = context.compile(value, false)
    return (payload) => {
      const resolved = resolve(payload)
      try {
        return JSON.stringify(resolved)
      } catch (error) {
        return fail(error instanceof Error ? error.message : String(error))
      }
    }
  }
  const resolve = context.compile(value)
  if (mode === 'decode') {
    return (payload) => {
      const resolved = resolve(payload)
      if (typeof resolved !== 'string') return resolved
      try {
        return JSON.parse(resolved) as unknown
      } catch {
        return resolved
      }
    }
  }
  // Any other mode (e.g. "ENCODE", which validation accepts) resolves the value and yields nothing.
  return (payload) => {
    resolve(payload)
    return undefined
  }
}

/** A copy without null-valued keys, recursively through plain objects (not arrays). */
function withoutNulls(source: PlainObject, keepAsUndefined: boolean): PlainObject {
  const copy: PlainObject = {}
  for (const key of Object.keys(source)) {
    const value = source[key]
    if (value === null) {
      if (keepAsUndefined) setOwn(copy, key, undefined)
    } else {
      setOwn(copy, key, isPlainObject(value) ? withoutNulls(value, keepAsUndefined) : value)
    }
  }
  return copy
}

export const compileExcludeWhenNull: DirectiveCompiler = (value, context) => {
  const resolve = context.compile(value)
  const exact = context.exact
  return (payload) => {
    const resolved = resolve(payload)
    if (resolved === null) return undefined
    return isPlainObject(resolved) ? withoutNulls(resolved, exact) : resolved
  }
}
