// ISO-8601 / RFC 3339 dates as Segment clients send them (`2025-01-15T08:00:02.946Z`). Accepted:
// `YYYY-MM-DD`, optionally followed by `T` (or a space) and `HH:mm[:ss[.fraction]]`, optionally
// followed by `Z` or an offset `±HH[[:]mm]`. Without an offset the time is read as UTC. The date must be
// a real instant: month 13, February 30 or hour 25 are rejected (no roll-over).
// Hand-written scanner: this runs for up to four fields of every ingested event.

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
/** 400 Gregorian years, in ms: shifts years 0–99 out of Date.UTC's 1900+ mapping. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000

function daysIn(year: number, month: number): number {
  if (month !== 1) return DAYS_IN_MONTH[month]
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
}

/** The value of `count` decimal digits at `at`, or -1 when one of them is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1 // also NaN past the end
    value = value * 10 + d
  }
  return value
}

/** Offset in minutes of the zone starting at `at` (to the end of text), or NaN. */
function zoneOffset(text: string, at: number): number {
  const rest = text.length - at
  if (rest === 0) return 0
  const c = text.charCodeAt(at)
  if (rest === 1 && (c === 90 || c === 122)) return 0 // Z z
  if (c !== 43 && c !== 45) return Number.NaN // + -
  const hours = digits(text, at + 1, 2)
  let minutes = 0
  if (rest === 5 && text.charCodeAt(at + 3) !== 58) minutes = digits(text, at + 3, 2)
  else if (rest === 6 && text.charCodeAt(at + 3) === 58) minutes = digits(text, at + 4, 2)
  else if (rest !== 3) return Number.NaN
  if (hours < 0 || minutes < 0 || hours > 23 || minutes > 59) return Number.NaN
  return (c === 45 ? -1 : 1) * (hours * 60 + minutes)
}

/** Milliseconds since the epoch, or NaN when `text` is not an ISO-8601 date. */
export function parseIsoDate(text: string): number {
  const length = text.length
  if (length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return Number.NaN
  const year = digits(text, 0, 4)
  const month = digits(text, 5, 2) - 1
  const day = digits(text, 8, 2)
  if (year < 0 || month < 0 || month > 11 || day < 1 || day > daysIn(year, month)) return Number.NaN
  let hour = 0
  let minute = 0
  let second = 0
  let ms = 0
  let offset = 0
  if (length > 10) {
    const sep = text.charCodeAt(10)
    if (sep !== 84 && sep !== 116 && sep !== 32) return Number.NaN // T t space
    hour = digits(text, 11, 2)
    minute = digits(text, 14, 2)
    if (text.charCodeAt(13) !== 58 || hour < 0 || minute < 0 || hour > 23 || minute > 59) return Number.NaN
    let at = 16
    if (text.charCodeAt(at) === 58) {
      second = digits(text, at + 1, 2)
      if (second < 0 || second > 59) return Number.NaN
      at += 3
      const dot = text.charCodeAt(at)
      if (dot === 46 || dot === 44) {
        const start = ++at
        while (at < length) {
          const d = text.charCodeAt(at) - 48
          if (d < 0 || d > 9) break
          if (at - start < 3) ms = ms * 10 + d
          at++
        }
        const count = at - start
        if (count === 0) return Number.NaN
        if (count === 1) ms *= 100
        else if (count === 2) ms *= 10
      }
    }
    offset = zoneOffset(text, at)
    if (Number.isNaN(offset)) return Number.NaN
  }
  const utc =
    year < 100
      ? Date.UTC(year + 400, month, day, hour, minute, second, ms) - FOUR_CENTURIES_MS
      : Date.UTC(year, month, day, hour, minute, second, ms)
  return utc - offset * 60_000
}
