// What JSON.parse lets through and later stages cannot take, found in one walk over a parsed request
// body (ingest and the admin API):
// - nesting deeper than a limit: JSON.parse takes any depth, but JSON.stringify (storing, answering)
//   and other recursive code overflow the stack from a few thousand levels;
// - a `__proto__` key: JSON.parse makes it an own property, but later stages copy and merge objects,
//   and a copy through assignment would set the prototype instead;
// - a number that overflowed to ±Infinity (`1e400`): it would be stored and sent as `null`, which
//   deletes the field in Iterable.
// The walk's own recursion is bounded by the depth limit.

/** Default deepest nesting of a request's JSON (objects and arrays inside one another). */
export const DEFAULT_MAX_JSON_DEPTH = 64
/** Highest accepted setting: not far below what JSON.stringify can write. */
export const MAX_JSON_DEPTH_SETTING = 1000

export type JsonProblem =
  /** Nested deeper than the limit; `path` is where the limit was passed. */
  | { kind: 'too_deep'; path: string }
  | { kind: 'forbidden_key'; path: string }
  /** A number that is not finite (it overflowed to ±Infinity when parsed). */
  | { kind: 'non_finite'; path: string }

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/** `properties.items[2]["a b"]` from path segments; long keys are cut short. */
export function formatJsonPath(segments: readonly (string | number)[]): string {
  let out = ''
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`
    else out += `[${JSON.stringify(segment.length > 40 ? `${segment.slice(0, 40)}…` : segment)}]`
  }
  return out
}

/**
 * The first nesting or `__proto__` problem of `value`, else the first non-finite number, else
 * undefined. The value itself is level 1 when it is an object or an array. `skipKey`: a top-level
 * key left out of the walk (the `batch` array of a batch envelope, whose events are walked alone).
 */
export function inspectJson(value: unknown, maxDepth: number, skipKey?: string): JsonProblem | undefined {
  const path: (string | number)[] = []
  let nonFinite: string | undefined

  const walk = (node: unknown, level: number): JsonProblem | undefined => {
    if (typeof node === 'number') {
      if (nonFinite === undefined && !Number.isFinite(node)) nonFinite = formatJsonPath(path)
      return undefined
    }
    if (typeof node !== 'object' || node === null) return undefined
    if (level > maxDepth) return { kind: 'too_deep', path: formatJsonPath(path) }
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        path.push(index)
        const problem = walk(node[index], level + 1)
        path.pop()
        if (problem !== undefined) return problem
      }
      return undefined
    }
    for (const key of Object.keys(node)) {
      if (level === 1 && key === skipKey) continue
      path.push(key)
      if (key === '__proto__') return { kind: 'forbidden_key', path: formatJsonPath(path) }
      const problem = walk((node as Record<string, unknown>)[key], level + 1)
      path.pop()
      if (problem !== undefined) return problem
    }
    return undefined
  }

  const problem = walk(value, 1)
  if (problem !== undefined) return problem
  return nonFinite === undefined ? undefined : { kind: 'non_finite', path: nonFinite }
}

/** The sentence for a non-finite number at `path` (ingest rejections and admin answers). */
export function nonFiniteMessage(path: string): string {
  return `${path === '' ? 'the value' : `"${path}"`} is a number too large to represent (it overflows to Infinity); send a smaller number or a string`
}

/** The sentence for nesting deeper than `maxDepth`. */
export function tooDeepMessage(what: string, maxDepth: number): string {
  return `${what} is nested deeper than the limit of ${maxDepth} levels (objects and arrays inside one another)`
}
