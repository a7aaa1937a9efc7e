// Date recognition of spec §7.2 and the canonical form `yyyy-MM-dd HH:mm:ss +00:00`.
// Recognised: yyyy-MM-dd | yyyy-MM-dd HH:mm:ss | yyyy-MM-dd HH:mm:ss ±HH:mm |
// yyyy-MM-ddTHH:mm:ss.SSS±HH:mm | yyyy-MM-ddTHH:mm:ss.SSSZ. Everything else is a string.

const DATE_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(?: ([+-])(\d{2}):(\d{2}))?|T(\d{2}):(\d{2}):(\d{2})\.(\d{3})(?:([+-])(\d{2}):(\d{2})|Z))?$/

/** Epoch milliseconds of a recognised date string, or undefined when the string is no date. */
export function parseIterableDate(value: string): number | undefined {
  // Cheap rejections first: most strings are not dates.
  const len = value.length
  if (len < 10 || len > 29 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return undefined
  const m = DATE_PATTERN.exec(value)
  if (m === null) return undefined
  const year = +m[1]
  const month = +m[2]
  const day = +m[3]
  let hour = 0
  let minute = 0
  let second = 0
  let millis = 0
  let offsetMinutes = 0
  if (m[4] !== undefined) {
    hour = +m[4]
    minute = +m[5]
    second = +m[6]
    if (m[7] !== undefined) offsetMinutes = (m[7] === '-' ? -1 : 1) * (+m[8] * 60 + +m[9])
  } else if (m[10] !== undefined) {
    hour = +m[10]
    minute = +m[11]
    second = +m[12]
    millis = +m[13]
    if (m[14] !== undefined) offsetMinutes = (m[14] === '-' ? -1 : 1) * (+m[15] * 60 + +m[16])
  }
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  // Reject roll-overs such as Feb 30: the calendar day must survive the round trip.
  const check = new Date(Date.UTC(year, month - 1, day))
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined
  return utc - offsetMinutes * 60_000
}

export function isIterableDate(value: string): boolean {
  return parseIterableDate(value) !== undefined
}

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n))

/** `yyyy-MM-dd HH:mm:ss +00:00` for epoch milliseconds (UTC). */
export function formatIterableDate(epochMs: number): string {
  const d = new Date(epochMs)
  const y = d.getUTCFullYear()
  return `${y < 1000 ? String(y).padStart(4, '0') : y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(
    d.getUTCHours(),
  )}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +00:00`
}

/** The canonical form of a recognised date string; other strings come back unchanged. */
export function canonicalDate(value: string): string {
  const ms = parseIterableDate(value)
  return ms === undefined ? value : formatIterableDate(ms)
}
