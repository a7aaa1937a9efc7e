// ISO-8601 / RFC 3339 dates as Segment clients send them (`2025-01-15T08:00:02.946Z`). Accepted:
// `YYYY-MM-DD`, optionally followed by `T` (or a space) and `HH:mm[:ss[.fraction]]`, optionally
// followed by `Z` or an offset `±HH[:mm]`. Without an offset the time is read as UTC. The date must be a
// real instant: month 13, day 31 of a 30-day month or hour 25 are rejected (no roll-over).

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0
  const sign = zone[0] === '-' ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0
  if (hours > 23 || minutes > 59) return Number.NaN
  return sign * (hours * 60 + minutes)
}

/** Milliseconds since the epoch, or NaN when `text` is not an ISO-8601 date. */
export function parseIsoDate(text: string): number {
  const match = ISO_8601.exec(text)
  if (!match) return Number.NaN
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match
  const year = Number(y)
  const month = Number(mo) - 1
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month > 11 || day < 1 || hour > 23 || minute > 59 || second > 59) return Number.NaN
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3))
  const date = new Date(Date.UTC(year, month, day, hour, minute, second, ms))
  date.setUTCFullYear(year) // Date.UTC maps years 0–99 to 1900–1999
  if (date.getUTCMonth() !== month || date.getUTCDate() !== day) return Number.NaN
  const offset = offsetMinutes(zone)
  return date.getTime() - offset * 60_000
}
