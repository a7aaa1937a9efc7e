// Parses a batch body. The fast path parses the envelope (the body with an empty batch array) and
// then each event on its own, from the byte spans found by locateBatchElements: many small strings
// instead of one large one, which is markedly cheaper for V8 (large strings go to the large-object
// space) and gives each event's raw size for free. Any doubt — a layout the scan cannot find, a
// possible `__proto__` key, a part that does not parse — falls back to one plain JSON.parse of
// the whole body, which also produces the precise error message.
// The fast path also keeps each event's text: prepare.ts reuses it as the stored JSON.
// Both paths apply the checks of json-inspect.ts: nesting deeper than the limit (in an event or the
// envelope) or a `__proto__` key refuses the request; a number that overflows to Infinity rejects
// its event only (`nonFinite`), or the request when it is in the envelope. The fast path gets the
// depth from the scan and walks only the events whose numbers may have overflowed (`lossy`).
import { DEFAULT_MAX_JSON_DEPTH, inspectJson, nonFiniteMessage } from '../json-inspect.js'
import { locateBatchElements, measureBatchElements } from './batch-scan.js'
import { IngestError } from './errors.js'
import {
  bodyStart,
  mayHoldEscapedProtoKey,
  parseJsonBytes,
  refuseRequestProblem,
  tooDeepError,
} from './json.js'
import { EVENTS_PER_TURN, runAtOnce, type Steps } from './turns.js'

export interface ParsedBatchBody {
  json: unknown
  /** Raw size of each element of `batch`, when it could be measured. */
  sizes: number[] | undefined
  /**
   * The exact JSON text each element of `batch` was parsed from (fast path only). An entry is
   * undefined when the text is not safe to store instead of JSON.stringify of the parsed value
   * (a number that would not come back the same, see BatchLayout.lossy).
   */
  texts?: (string | undefined)[]
  /** Events holding a number that overflowed to Infinity: index → where (`properties.price`). */
  nonFinite?: Map<number, string>
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function eventName(index: number): string {
  return index < 0 ? 'the batch envelope' : `event ${index} of the batch`
}

/** The envelope (the body without its `batch`): any problem refuses the request. */
function checkEnvelope(envelope: Record<string, unknown>, maxDepth: number): void {
  const problem = inspectJson(envelope, maxDepth, 'batch')
  refuseRequestProblem(problem, eventName(-1), maxDepth)
  if (problem?.kind === 'non_finite') {
    throw new IngestError(400, 'invalid_batch', `${nonFiniteMessage(problem.path)} (in the batch envelope)`)
  }
}

/** Walks one event; records a non-finite number, throws for the rest. */
function checkEvent(event: unknown, index: number, maxDepth: number, nonFinite: Map<number, string>): void {
  const problem = inspectJson(event, maxDepth)
  refuseRequestProblem(problem, eventName(index), maxDepth)
  if (problem?.kind === 'non_finite') nonFinite.set(index, problem.path)
}

/** The fast path alone: undefined when the body must take the plain path. */
export function parseInParts(raw: Buffer, maxDepth = DEFAULT_MAX_JSON_DEPTH): ParsedBatchBody | undefined {
  return runAtOnce(partsSteps(raw, maxDepth))
}

function* partsSteps(raw: Buffer, maxDepth: number): Steps<ParsedBatchBody | undefined> {
  if (mayHoldEscapedProtoKey(raw)) return undefined
  const layout = locateBatchElements(raw, bodyStart(raw))
  // The scan looks for a literal "__proto__" itself: cheaper than searching the body once more.
  if (layout === undefined || layout.protoString) return undefined
  if (layout.depth > maxDepth) throw tooDeepError(eventName(layout.deepest), maxDepth)
  const { arrayStart, arrayEnd, starts, ends, lossy } = layout
  // An escaped key in the envelope could spell "batch" a second time; leave that to JSON.parse.
  const escape = raw.indexOf('\\u00')
  if (escape >= 0 && (escape < arrayStart || raw.indexOf('\\u00', arrayEnd) >= 0)) return undefined
  try {
    const envelope: unknown = JSON.parse(
      raw.toString('utf8', bodyStart(raw), arrayStart) + '[]' + raw.toString('utf8', arrayEnd),
    )
    if (!isObject(envelope)) return undefined
    const batch: unknown[] = new Array(starts.length)
    const sizes: number[] = new Array(starts.length)
    const texts: (string | undefined)[] = new Array(starts.length)
    for (let index = 0; index < starts.length; index++) {
      if (index % EVENTS_PER_TURN === EVENTS_PER_TURN - 1) yield
      const text = raw.toString('utf8', starts[index], ends[index])
      batch[index] = JSON.parse(text)
      sizes[index] = ends[index] - starts[index]
      texts[index] = text
    }
    checkEnvelope(envelope, maxDepth)
    // Only an element with an exponent or a very long number may hold an overflowed one.
    const nonFinite = new Map<number, string>()
    for (const index of lossy) {
      texts[index] = undefined
      checkEvent(batch[index], index, maxDepth, nonFinite)
    }
    envelope.batch = batch
    return { json: envelope, sizes, texts, nonFinite }
  } catch (error) {
    if (error instanceof IngestError) throw error
    return undefined
  }
}

/** The plain path's checks: the envelope, then each event. */
function* checkWhole(json: unknown, maxDepth: number): Steps<Map<number, string>> {
  const nonFinite = new Map<number, string>()
  const batch = isObject(json) ? json.batch : undefined
  if (!isObject(json) || !Array.isArray(batch)) {
    // Refused later for its shape; never passed on too deep or with a `__proto__` key.
    refuseRequestProblem(inspectJson(json, maxDepth), 'the request body', maxDepth)
    return nonFinite
  }
  checkEnvelope(json, maxDepth)
  for (let index = 0; index < batch.length; index++) {
    if (index % EVENTS_PER_TURN === EVENTS_PER_TURN - 1) yield
    checkEvent(batch[index], index, maxDepth, nonFinite)
  }
  return nonFinite
}

/** Parses a batch body, pausing every EVENTS_PER_TURN events (turns.ts). */
export function* parseBatchSteps(raw: Buffer, maxDepth = DEFAULT_MAX_JSON_DEPTH): Steps<ParsedBatchBody> {
  const fast = yield* partsSteps(raw, maxDepth)
  if (fast !== undefined) return fast
  const json = parseJsonBytes(raw)
  const nonFinite = yield* checkWhole(json, maxDepth)
  return { json, sizes: measureBatchElements(raw), nonFinite }
}

export function parseBatchBody(raw: Buffer, maxDepth = DEFAULT_MAX_JSON_DEPTH): ParsedBatchBody {
  return runAtOnce(parseBatchSteps(raw, maxDepth))
}
