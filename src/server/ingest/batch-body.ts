// Parses a batch body. The fast path parses the envelope (the body with an empty batch array) and
// then each event on its own, from the byte spans found by locateBatchElements: many small strings
// instead of one large one, which is markedly cheaper for V8 (large strings go to the large-object
// space) and gives each event's raw size for free. Any doubt — a layout the scan cannot find, a
// possible `__proto__` key, a part that does not parse — falls back to one plain JSON.parse of
// the whole body, which also produces the precise error message.
// The fast path also keeps each event's text: prepare.ts reuses it as the stored JSON.
import { locateBatchElements, measureBatchElements } from './batch-scan.js'
import { bodyStart, mayHoldEscapedProtoKey, parseJsonBytes } from './json.js'

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
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The fast path alone: undefined when the body must take the plain path. */
export function parseInParts(raw: Buffer): ParsedBatchBody | undefined {
  if (mayHoldEscapedProtoKey(raw)) return undefined
  const layout = locateBatchElements(raw, bodyStart(raw))
  // The scan looks for a literal "__proto__" itself: cheaper than searching the body once more.
  if (layout === undefined || layout.protoString) return undefined
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
      const text = raw.toString('utf8', starts[index], ends[index])
      batch[index] = JSON.parse(text)
      sizes[index] = ends[index] - starts[index]
      texts[index] = text
    }
    for (const index of lossy) texts[index] = undefined
    envelope.batch = batch
    return { json: envelope, sizes, texts }
  } catch {
    return undefined
  }
}

export function parseBatchBody(raw: Buffer): ParsedBatchBody {
  const fast = parseInParts(raw)
  if (fast !== undefined) return fast
  const json = parseJsonBytes(raw)
  return { json, sizes: measureBatchElements(raw) }
}
