// Date conversion inside dataFields (reference §4.1) with two deliberate fixes:
// D3 — a datetime without an offset is read as UTC, whatever the server's time zone;
// D4 — valid ISO 8601 forms that V8's Date misses (basic format, comma fractions, hour-only
//      offsets) are converted too, and a string that is no real instant (hour 25 …) is left out
//      of the request instead of being sent as null (which would delete the stored value).
// Inputs are never mutated: objects are copied only along the paths where something changed.

/** The reference's ISO-like pattern R, anchored; groups: Y M D sep h m s frac Z sign oh om. */
const ISO_LIKE =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:([ T])(\d{2}):?(\d{2})(?::?(\d{2})(?:[,.](\d{1,}))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?)?$/

/** Returned by `toIterableDate` for a string that matches R but is no real instant (D4). */
export const LEAVE_OUT: unique symbol = Symbol('leave out')

/** Formats an instant as Iterable's `YYYY-MM-DD HH:mm:ss +00:00` (UTC, fraction truncated). */
export function formatIterableDate(time: number): string {
  const iso = new Date(time).toISOString()
  const dot = iso.indexOf('.')
  return (dot === -1 ? iso : iso.slice(0, dot)).replace('T', ' ') + ' +00:00'
}

/** Strict reading of the regex groups for the forms V8 rejects; NaN when no real instant. */
function instantFromParts(m: RegExpExecArray): number {
  const hour = Number(m[5])
  const minute = Number(m[6])
  const second = m[7] === undefined ? 0 : Number(m[7])
  const fraction = m[8] ?? ''
  const millis = fraction === '' ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'))
  if (minute > 59 || second > 59) return NaN
  if (hour > 24 || (hour === 24 && (minute !== 0 || second !== 0 || /[1-9]/.test(fraction)))) return NaN
  let offsetMinutes = 0
  if (m[10] !== undefined) {
    const oh = Number(m[11])
    const om = m[12] === undefined ? 0 : Number(m[12])
    if (oh > 23 || om > 59) return NaN
    offsetMinutes = (m[10] === '-' ? -1 : 1) * (oh * 60 + om)
  }
  const date = new Date(0)
  // setUTCFullYear keeps years 0–99 literal (Date.UTC would map them to 19xx); days roll over as in V8.
  date.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  date.setUTCHours(hour, minute, second, millis)
  return date.getTime() - offsetMinutes * 60_000
}

/**
 * F(value) of §4.1 for a string: the Iterable date string, the input itself when it is not a
 * datetime (no match, or date only), or LEAVE_OUT when it matches R but is no real instant.
 */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function digits(value: string, start: number, end: number): number {
  let n = 0
  for (let i = start; i < end; i++) {
    const c = value.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    n = n * 10 + c
  }
  return n
}

/**
 * Fast path for the common UTC form `YYYY-MM-DDTHH:mm:ss[.f…]Z` whose fields are all in range (no
 * roll-over): the answer is a re-arrangement of the text. Undefined when the string is not of that form.
 */
function fastUtc(value: string): string | undefined {
  const n = value.length
  if (n < 20 || value.charCodeAt(n - 1) !== 90 /* Z */ || value.charCodeAt(10) !== 84 /* T */)
    return undefined
  if (value.charCodeAt(7) !== 45 || value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58)
    return undefined
  if (n > 20 && (value.charCodeAt(19) !== 46 /* . */ || n === 21 || digits(value, 20, n - 1) < 0))
    return undefined
  const year = digits(value, 0, 4)
  const month = digits(value, 5, 7)
  const day = digits(value, 8, 10)
  const hour = digits(value, 11, 13)
  const minute = digits(value, 14, 16)
  const second = digits(value, 17, 19)
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return undefined
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return undefined
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  if (day > DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0)) return undefined
  return value.slice(0, 10) + ' ' + value.slice(11, 19) + ' +00:00'
}

export function toIterableDate(value: string): string | typeof LEAVE_OUT {
  // Cheap pre-check: R needs at least `YYYY-MM-DD` followed by a time part.
  if (value.length < 16 || value.charCodeAt(4) !== 45 /* - */) return value
  const fast = fastUtc(value)
  if (fast !== undefined) return fast
  const m = ISO_LIKE.exec(value)
  if (m === null || m[4] === undefined) return value
  const hasZone = m[9] !== undefined || m[10] !== undefined
  // D3: no offset → UTC. V8 parses the zoned forms it knows exactly as the reference does.
  let time = Date.parse(hasZone ? value : value + 'Z')
  if (Number.isNaN(time)) time = instantFromParts(m)
  return Number.isNaN(time) ? LEAVE_OUT : formatIterableDate(time)
}

function convertValue(value: unknown): unknown {
  if (typeof value === 'string') return toIterableDate(value)
  if (value instanceof Date) {
    const time = value.getTime()
    return Number.isNaN(time) ? LEAVE_OUT : formatIterableDate(time)
  }
  if (value !== null && typeof value === 'object') {
    return Array.isArray(value) ? convertArray(value) : convertDatesInObject(value as Record<string, unknown>)
  }
  return value
}

function convertArray(input: readonly unknown[]): unknown[] {
  let out: unknown[] | undefined
  for (let i = 0; i < input.length; i++) {
    const before = input[i]
    let after = convertValue(before)
    // In an array an impossible instant keeps its original string: dropping it would shift the
    // other elements, and null would erase it (D4's "the stored value stays").
    if (after === LEAVE_OUT) after = before
    if (after !== before) {
      out ??= input.slice()
      out[i] = after
    }
  }
  return out ?? (input as unknown[])
}

/**
 * Converts every datetime string at any depth of `input` (objects and arrays). Returns `input`
 * itself when nothing changed, otherwise a copy; keys holding impossible instants are omitted.
 */
export function convertDatesInObject(input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined
  for (const key in input) {
    const before = input[key]
    if (typeof before !== 'object' && typeof before !== 'string') continue
    const after = convertValue(before)
    if (after === before) continue
    if (out === undefined) out = { ...input }
    if (after === LEAVE_OUT) delete out[key]
    else if (key === '__proto__')
      Object.defineProperty(out, key, { value: after, enumerable: true, writable: true, configurable: true })
    else out[key] = after
  }
  return out ?? input
}
