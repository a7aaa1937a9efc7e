import { STATUS_CODES } from 'node:http'

/**
 * HTTP status → the reference's error-code name (reason phrase in upper snake case, e.g. 400
 * `BAD_REQUEST`, 429 `TOO_MANY_REQUESTS`). Built once at load from Node's reason phrases, with the
 * reference's own names where they differ from the standard phrase.
 */
const NAMES = new Map<number, string>()

for (const [status, phrase] of Object.entries(STATUS_CODES)) {
  if (phrase === undefined) continue
  const name = phrase
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
  NAMES.set(Number(status), name)
}
// Names the reference uses that are not Node's reason phrase (301 keeps the reference's spelling).
NAMES.set(301, 'MOVED_PERMENANTLY')
NAMES.set(499, 'CANCELLED')
NAMES.set(529, 'SITE_IS_OVERLOADED')

/** The error-code name for a status, or `UNKNOWN_ERROR` for an unnamed one. */
export function statusErrorCode(status: number): string {
  return NAMES.get(status) ?? 'UNKNOWN_ERROR'
}
