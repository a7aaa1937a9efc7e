// Path lookup shared by @path, @arrayPath and @template (reference §1.4), split once at compile time.
import { hasOwn } from './values.js'

/** A compiled lookup: the value at a fixed path inside `root`. */
export type PathGetter = (root: unknown) => unknown

function isQuote(ch: string | undefined): boolean {
  return ch === '"' || ch === "'"
}

function isQuoteOrDigit(ch: string | undefined): boolean {
  return ch !== undefined && (isQuote(ch) || (ch >= '0' && ch <= '9'))
}

/**
 * Splits a path into segments: `.` always separates; `[` only before a quote or digit; `]` only
 * after a quote or digit. Empty segments are dropped, then every quote character is deleted.
 */
export function splitPath(path: string): string[] {
  if (path === '' || path === '.') return []
  const segments: string[] = []
  let start = 0
  for (let i = 0; i < path.length; i++) {
    const ch = path[i]
    const separates =
      ch === '.' || (ch === '[' && isQuoteOrDigit(path[i + 1])) || (ch === ']' && isQuoteOrDigit(path[i - 1]))
    if (separates) {
      if (i > start) segments.push(path.slice(start, i))
      start = i + 1
    }
  }
  if (start < path.length) segments.push(path.slice(start))
  return segments.map((segment) => segment.replace(/["']/g, ''))
}

/** `@path`/`@arrayPath` delete the first `$.` anywhere in the path (not only a prefix). */
export function stripDollarDot(path: string): string {
  return path.replace('$.', '')
}

/** One step of the walk: an own property only (strings and arrays also own `length` and indexes). */
function step(current: unknown, segment: string): unknown {
  const value = (current as Record<string, unknown>)[segment]
  return value !== undefined && hasOwn(current, segment) ? value : undefined
}

/** A plain read, for names that no built-in prototype defines (the walk then sees own data only). */
function read(current: unknown, segment: string): unknown {
  return (current as Record<string, unknown>)[segment]
}

const BUILT_IN_PROTOTYPES: readonly object[] = [
  Object.prototype,
  Array.prototype,
  String.prototype,
  Number.prototype,
  Boolean.prototype,
]

/**
 * Only a name defined on a built-in prototype (`toString`, `constructor`, `__proto__`, `map`, …)
 * needs the own-property check on JSON data; deciding it at compile time keeps lookups cheap.
 */
function stepFor(segment: string): typeof step {
  return BUILT_IN_PROTOTYPES.some((prototype) => segment in prototype) ? step : read
}

/** Looks up pre-split segments; the walk stops at a falsy value and returns it (`{a:0}` at `a.b` → 0). */
export function lookup(root: unknown, segments: readonly string[]): unknown {
  let current = root
  for (let i = 0; i < segments.length; i++) {
    if (!current) return current
    current = step(current, segments[i])
  }
  return current
}

/** Compiles a path string (already `$.`-stripped where the directive requires it) into a getter. */
export function compilePath(path: string): PathGetter {
  const segments = splitPath(path)
  const steps = segments.map(stepFor)
  switch (segments.length) {
    case 0:
      return (root) => root
    case 1: {
      const [a] = segments
      const [stepA] = steps
      return (root) => (root ? stepA(root, a) : root)
    }
    case 2: {
      const [a, b] = segments
      const [stepA, stepB] = steps
      return (root) => {
        if (!root) return root
        const first = stepA(root, a)
        return first ? stepB(first, b) : first
      }
    }
    default:
      return (root) => {
        let current = root
        for (let i = 0; i < segments.length; i++) {
          if (!current) return current
          current = steps[i](current, segments[i])
        }
        return current
      }
  }
}
