// JSON parsing of request bytes: one decode, one JSON.parse, and the `__proto__` guard.
import { IngestError } from './errors.js'

const BACKSLASH_U00 = Buffer.from('\\u00')

/** Offset after a UTF-8 byte order mark, or 0. */
export function bodyStart(raw: Buffer): number {
  return raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0
}

/**
 * Whether the bytes may hold a `__proto__` key: literally, or with one of its letters
 * (_ p r o t) written as a \u escape. Other escapes (clients with ensure_ascii escape all
 * non-ASCII text) do not count, so such bodies keep the fast path.
 */
export function mayHoldProtoKey(raw: Buffer): boolean {
  return raw.includes('__proto__') || mayHoldEscapedProtoKey(raw)
}

/**
 * The escaped half of mayHoldProtoKey: a \u escape of one of the letters of `__proto__`. The batch
 * scan checks the literal half itself, on its way through every string (batch-scan.ts).
 */
export function mayHoldEscapedProtoKey(raw: Buffer): boolean {
  for (let at = raw.indexOf(BACKSLASH_U00); at >= 0; at = raw.indexOf(BACKSLASH_U00, at + 4)) {
    const high = raw[at + 4]
    const low = raw[at + 5] | 0x20 // lower-case a hex letter
    if ((high === 0x35 || high === 0x36) && low === 0x66) return true // 5f _, 6f o
    if (high === 0x37 && (low === 0x30 || low === 0x32 || low === 0x34)) return true // 70 p, 72 r, 74 t
  }
  return false
}

function refuseProtoKey(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new IngestError(400, 'forbidden_key', 'the key "__proto__" is not allowed')
  return value
}

/**
 * Parses JSON text. A `__proto__` key is refused (400): later stages merge and copy event
 * objects, and such a key would let a client reach Object.prototype there.
 */
export function parseJsonText(text: string, guardProto: boolean): unknown {
  try {
    return guardProto ? JSON.parse(text, refuseProtoKey) : JSON.parse(text)
  } catch (error) {
    if (error instanceof IngestError) throw error
    throw new IngestError(400, 'invalid_json', `invalid JSON: ${(error as Error).message}`)
  }
}

/** Parses a whole body (a UTF-8 byte order mark is ignored). */
export function parseJsonBytes(raw: Buffer): unknown {
  return parseJsonText(raw.toString('utf8', bodyStart(raw)), mayHoldProtoKey(raw))
}
