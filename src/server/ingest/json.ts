// JSON parsing of request bytes: one decode, one JSON.parse, then the checks JSON.parse does not make
// (nesting depth, `__proto__` keys, numbers that overflow to Infinity: json-inspect.ts).
import { inspectJson, nonFiniteMessage, tooDeepMessage, type JsonProblem } from '../json-inspect.js'
import { IngestError } from './errors.js'

const BACKSLASH_U00 = Buffer.from('\\u00')

/** Offset after a UTF-8 byte order mark, or 0. */
export function bodyStart(raw: Buffer): number {
  return raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0
}

/**
 * Whether the bytes may hold a `__proto__` key with one of its letters (_ p r o t) written as a \u
 * escape. Other escapes (clients with ensure_ascii escape all non-ASCII text) do not count, so such
 * bodies keep the batch fast path; the batch scan looks for a literal "__proto__" itself.
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

/** Parses JSON text; a syntax error is a 400 with the parser's message. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new IngestError(400, 'invalid_json', `invalid JSON: ${(error as Error).message}`)
  }
}

/** Parses a whole body (a UTF-8 byte order mark is ignored). */
export function parseJsonBytes(raw: Buffer): unknown {
  return parseJsonText(raw.toString('utf8', bodyStart(raw)))
}

export function tooDeepError(what: string, maxDepth: number): IngestError {
  return new IngestError(400, 'too_deep', tooDeepMessage(what, maxDepth))
}

/**
 * Throws the answer to a problem that refuses the whole request (too deep, `__proto__`); a
 * non-finite number is left to the caller (a batch rejects only its event). `what` names the part
 * for the depth message ("the event", "event 3 of the batch").
 */
export function refuseRequestProblem(problem: JsonProblem | undefined, what: string, maxDepth: number): void {
  if (problem?.kind === 'too_deep') throw tooDeepError(what, maxDepth)
  if (problem?.kind === 'forbidden_key')
    throw new IngestError(400, 'forbidden_key', `the key "__proto__" is not allowed (at "${problem.path}")`)
}

/** A single-event body: parsed and checked; every problem refuses the request. */
export function parseEventBytes(raw: Buffer, maxDepth: number): unknown {
  const json = parseJsonBytes(raw)
  const problem = inspectJson(json, maxDepth)
  refuseRequestProblem(problem, 'the event', maxDepth)
  if (problem?.kind === 'non_finite')
    throw new IngestError(400, 'invalid_event', nonFiniteMessage(problem.path))
  return json
}
