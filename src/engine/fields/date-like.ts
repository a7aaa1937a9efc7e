// The `date-like` format of datetime fields (reference §3.5). It applies to strings only; numbers are
// always valid. Rules, in order:
// 1. canonical numeric text (String(Number(s)) === s, e.g. "1626130960", "-5", "1.5"; not "007")
//    is read as unix SECONDS (13-digit values too, as in the reference) and is valid when that
//    instant is representable;
// 2. strings not ending in Z that match the ISO-like `YYYY[-/]MM[-/]DD[T ]HH:mm:ss.sss` pattern are
//    valid (numeric overflow such as month 13 or day 45 rolls over, as dayjs does);
// 3. anything else goes to the JavaScript Date parser (V8's, like the reference's).

/** Largest |ms| a JavaScript Date can hold. */
const MAX_TIME_MS = 8.64e15

/** The ISO-like pattern, read like dayjs: every part after the year optional, separators optional. */
const ISO_LIKE = /^(\d{4})[-/]?(\d{1,2})?[-/]?(\d{0,2})[Tt\s]*(\d{1,2})?:?(\d{1,2})?:?(\d{1,2})?[.:]?(\d+)?$/

function isoLikeIsValid(match: RegExpExecArray): boolean {
  const part = (i: number, fallback: number) => (match[i] ? Number(match[i]) : fallback)
  const month = part(2, 1) - 1
  const time = Date.UTC(
    part(1, 0),
    month,
    part(3, 1),
    part(4, 0),
    part(5, 0),
    part(6, 0),
    Number((match[7] ?? '0').slice(0, 3)),
  )
  return Number.isFinite(time)
}

export function isDateLike(value: string): boolean {
  const asNumber = Number(value)
  if (value !== '' && String(asNumber) === value) {
    return Number.isFinite(asNumber) && Math.abs(asNumber * 1000) <= MAX_TIME_MS
  }
  if (!/z$/i.test(value)) {
    const match = ISO_LIKE.exec(value)
    if (match) return isoLikeIsValid(match)
  }
  return !Number.isNaN(Date.parse(value))
}
