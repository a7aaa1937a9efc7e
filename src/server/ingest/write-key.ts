// Where Segment clients put the write key: HTTP Basic auth with the key as user name and an empty
// password (the server libraries), or "writeKey" in the JSON body (analytics.js).
import { IngestError } from './errors.js'

export const MISSING_WRITE_KEY_MESSAGE =
  'missing write key: send it as the HTTP Basic auth user name with an empty password ' +
  '(Authorization: Basic base64("<writeKey>:")) or as "writeKey" in the JSON body'

export const INVALID_WRITE_KEY_MESSAGE = 'invalid write key'

/** The user name of an HTTP Basic Authorization header, or undefined when there is none. */
function basicUser(header: string): string | undefined {
  const space = header.indexOf(' ')
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'basic') return undefined
  const decoded = Buffer.from(header.slice(space + 1).trim(), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  const user = colon < 0 ? decoded : decoded.slice(0, colon)
  return user === '' ? undefined : user
}

/** The write key of an HTTP Basic Authorization header, or undefined when there is none. */
export function headerWriteKey(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : basicUser(authorization)
}

/**
 * The write key of a request: Basic auth first, then the body's `writeKey`.
 * Throws a 401 IngestError saying how to send one when neither holds a usable key.
 */
export function extractWriteKey(authorization: string | undefined, body: unknown): string {
  const user = headerWriteKey(authorization)
  if (user !== undefined) return user
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const key = (body as { writeKey?: unknown }).writeKey
    if (typeof key === 'string' && key !== '') return key
  }
  throw new IngestError(401, 'missing_write_key', MISSING_WRITE_KEY_MESSAGE)
}
