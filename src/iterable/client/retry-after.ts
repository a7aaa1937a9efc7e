/**
 * Parses a `Retry-After` header value (RFC 9110 §10.2.3) into milliseconds from `now`.
 * Accepts delta-seconds (`"120"`, also a decimal such as `"1.5"`) and an HTTP-date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`). A date in the past gives 0. Anything else gives `undefined`
 * (no hint), never an error: a malformed header must not change how a response is classified.
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  now: number,
): number | undefined {
  const raw = typeof value === 'string' ? value : value?.[0]
  if (raw === undefined) return undefined
  const text = raw.trim()
  if (text === '') return undefined
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    return Math.round(Number(text) * 1000)
  }
  // An HTTP-date always contains letters (day/month names); this also keeps plain numbers with signs out.
  if (!/[A-Za-z]/.test(text)) return undefined
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}
