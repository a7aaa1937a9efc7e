// `createdAt` → unix seconds (reference §4.2) with D3 and D5:
// - a number, or a string of digits, below 1e11 is unix seconds, otherwise milliseconds; floored;
// - a datetime string without an offset is read as UTC (date only = midnight UTC);
// - a missing value becomes the time the event was received, so retries do not move it.

/** dayjs's own pattern for strings without `Z` (the reference parses createdAt with dayjs). */
const DAYJS_PATTERN =
  /^(\d{4})[-/]?(\d{1,2})?[-/]?(\d{0,2})[Tt\s]*(\d{1,2})?:?(\d{1,2})?:?(\d{1,2})?[.:]?(\d+)?$/
const NUMERIC = /^-?\d+(?:\.\d+)?$/
const SECONDS_LIMIT = 1e11

function fromNumber(value: number): number {
  return Math.floor(Math.abs(value) < SECONDS_LIMIT ? value : value / 1000)
}

function fromString(value: string): number {
  if (NUMERIC.test(value)) return fromNumber(Number(value))
  if (!/z$/i.test(value)) {
    const m = DAYJS_PATTERN.exec(value)
    if (m !== null) {
      const date = new Date(0)
      const millis = Number((m[7] ?? '0').slice(0, 3))
      date.setUTCFullYear(Number(m[1]), Number(m[2] ?? 1) - 1, Number(m[3] || 1))
      date.setUTCHours(Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), millis)
      return Math.floor(date.getTime() / 1000)
    }
  }
  return Math.floor(Date.parse(value) / 1000)
}

/**
 * Unix seconds for a validated `createdAt` (string or number) or, when it is missing, for
 * `receivedAtMs`. An unparseable value gives NaN, which JSON sends as null — as the reference does.
 */
export function toUnixSeconds(createdAt: unknown, receivedAtMs: number): number {
  if (typeof createdAt === 'number') return fromNumber(createdAt)
  if (typeof createdAt === 'string') return fromString(createdAt)
  return Math.floor(receivedAtMs / 1000)
}
