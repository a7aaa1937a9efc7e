// Small value helpers shared by the validator and the compiler.

export type PlainObject = Record<string, unknown>

// Always called as objectToString.call(value): the tag of any value, whatever its own toString.
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call(value)
const objectToString = Object.prototype.toString

/** The lower-cased JS type tag the reference prints in messages: `object`, `array`, `null`, `date`, … */
export function realTypeOf(value: unknown): string {
  return objectToString.call(value).slice(8, -1).toLowerCase()
}

/** A plain object (tag `Object`), not an array, `null`, a Date, … */
export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && objectToString.call(value) === '[object Object]'
}

export function hasOwn(value: unknown, key: string): boolean {
  return Object.hasOwn(value as object, key)
}

/** Sets an own data property; `__proto__` from data becomes a key instead of changing the prototype. */
export function setOwn(target: PlainObject, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true })
  } else {
    target[key] = value
  }
}

/**
 * The reference's removal of `undefined` (§1.3): object keys holding `undefined` go, recursively;
 * array slots stay. Copy-on-write: returns the same value when there was nothing to remove.
 */
export function removeUndefined(value: unknown): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      const cleaned = removeUndefined(item)
      if (cleaned !== item) {
        copy ??= value.slice()
        copy[i] = cleaned
      }
    }
    return copy ?? value
  }
  if (!isPlainObject(value)) return value
  let copy: PlainObject | undefined
  const keys = Object.keys(value)
  for (let i = 0; i < keys.length; i++) {
    const item = value[keys[i]]
    const cleaned = item === undefined ? undefined : removeUndefined(item)
    if (cleaned !== item || item === undefined) {
      if (copy === undefined) {
        copy = {}
        for (let j = 0; j < i; j++) setOwn(copy, keys[j], value[keys[j]])
      }
      if (cleaned !== undefined) setOwn(copy, keys[i], cleaned)
    } else if (copy !== undefined) {
      setOwn(copy, keys[i], item)
    }
  }
  return copy ?? value
}

/**
 * JavaScript's string conversion (`String(v)`) as the reference's templates use it: arrays are
 * comma-joined with null/undefined as empty, plain objects are `[object Object]` (without calling
 * an own `toString` key, which could throw on event data).
 */
export function toJsString(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value !== 'object' || value === null) return String(value)
  if (Array.isArray(value)) {
    let text = ''
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ','
      const item: unknown = value[i]
      if (item !== null && item !== undefined) text += toJsString(item)
    }
    return text
  }
  if (isPlainObject(value)) return '[object Object]'
  try {
    // JavaScript's own conversion of the other objects (a Date's text …) is the behaviour wanted here.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- String() of an object, on purpose
    return String(value)
  } catch {
    return '[object Object]'
  }
}
