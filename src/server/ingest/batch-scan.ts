// Finds the elements of a batch body's top-level "batch" array in the raw bytes, in one pass and
// without decoding: their byte spans give each event's raw size and let each event be parsed on
// its own (see batch-body.ts). The scan is strict about the array's own punctuation; anything it
// cannot account for (no top-level "batch" array, a repeated "batch" key, an empty element, an
// unterminated string) returns undefined and the caller takes the plain path. On its way through
// every string it also notes a "__proto__" one (batch-body.ts then takes the plain path, which
// refuses a `__proto__` key with a precise answer).
// It also notes the elements holding a number whose parsed value JSON.stringify would not write
// back as the same value (-0, overflow to Infinity): their raw text is not reused as stored JSON.
// And it measures nesting the way an event sees it (the event object is level 1; the envelope's
// `context` merged into an event sits where the event's own would), for the depth limit.

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const MINUS = 0x2d
const ZERO = 0x30
const NINE = 0x39
const DOT = 0x2e
const BATCH_KEY = Buffer.from('batch')
const PROTO = Buffer.from('__proto__')
const UNDERSCORE = 0x5f
/** Longer number tokens may overflow to Infinity (1.8e308 has 309 digits). */
const MAX_SAFE_NUMBER_CHARS = 300

export interface BatchLayout {
  /** Offset of the batch array's `[`. */
  arrayStart: number
  /** Offset just past the batch array's `]`. */
  arrayEnd: number
  /** Start and end (exclusive) offset of each element, whitespace excluded. */
  starts: number[]
  ends: number[]
  /**
   * Indexes of elements with a number that may not survive JSON.parse + JSON.stringify as the
   * same value: `-0…` (-0 is written 0), an exponent or a very long number (Infinity is written
   * null). Conservative: `-0.5` and `1e3` count too.
   */
  lossy: number[]
  /** Whether the body holds the string "__proto__" (as a key or a value, anywhere). */
  protoString: boolean
  /** Deepest nesting of an element (the element is level 1) or of the envelope (level 1). */
  depth: number
  /** The element that nests `depth` levels deep, or -1 for the envelope. */
  deepest: number
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09
}

/** Index of the quote closing the string whose content starts at `from`, or -1. */
function stringEnd(buf: Buffer, from: number): number {
  let at = from
  for (;;) {
    const quote = buf.indexOf(QUOTE, at)
    if (quote < 0) return -1
    let backslashes = 0
    for (let k = quote - 1; k >= from && buf[k] === BACKSLASH; k--) backslashes++
    if (backslashes % 2 === 0) return quote
    at = quote + 1
  }
}

function isProto(buf: Buffer, at: number): boolean {
  return buf.compare(PROTO, 0, PROTO.length, at, at + PROTO.length) === 0
}

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= NINE
}

export function locateBatchElements(buf: Buffer, from = 0): BatchLayout | undefined {
  let depth = 0
  let expectKey = false
  let keyIsBatch = false
  let batchKeys = 0
  let layout: BatchLayout | undefined
  // While inside the batch array: the depth of its elements, else -1.
  let elementDepth = -1
  let elementStart = -1
  let afterComma = false
  let lastEnd = 0
  // The current number or literal token: where it started, where its last byte was seen.
  let tokenStart = -1
  let tokenLast = -2
  let protoString = false
  let level = 0
  let maxLevel = 0
  let deepest = -1

  const startElement = (at: number): void => {
    if (depth === elementDepth && elementStart < 0) {
      elementStart = at
      afterComma = false
    }
  }

  for (let i = from; i < buf.length; i++) {
    const byte = buf[i]
    if (isWhitespace(byte)) continue

    if (byte === QUOTE) {
      const close = stringEnd(buf, i + 1)
      if (close < 0) return undefined
      if (close - i - 1 === PROTO.length && buf[i + 1] === UNDERSCORE && isProto(buf, i + 1))
        protoString = true
      if (depth === 1 && expectKey) {
        keyIsBatch =
          close - i - 1 === BATCH_KEY.length &&
          buf.compare(BATCH_KEY, 0, BATCH_KEY.length, i + 1, close) === 0
        if (keyIsBatch) batchKeys++
        expectKey = false
      } else {
        startElement(i)
      }
      i = close
      lastEnd = close + 1
      continue
    }

    switch (byte) {
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        startElement(i)
        if (byte === OPEN_ARRAY && depth === 1 && keyIsBatch) {
          layout = {
            arrayStart: i,
            arrayEnd: -1,
            starts: [],
            ends: [],
            lossy: [],
            protoString: false,
            depth: 0,
            deepest: -1,
          }
          elementDepth = 2
          elementStart = -1
          afterComma = false
        }
        depth++
        if (byte === OPEN_OBJECT && depth === 1) expectKey = true
        // Inside the batch array its elements are level 1; elsewhere the envelope is.
        level = elementDepth >= 0 ? depth - elementDepth : depth
        if (level > maxLevel) {
          maxLevel = level
          deepest = elementDepth >= 0 ? layout!.starts.length : -1
        }
        break
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        if (depth === elementDepth) {
          if (afterComma || byte === CLOSE_OBJECT) return undefined
          if (elementStart >= 0) {
            layout!.starts.push(elementStart)
            layout!.ends.push(lastEnd)
          }
          layout!.arrayEnd = i + 1
          elementStart = -1
          elementDepth = -1
        }
        depth--
        if (depth < 0) return undefined
        break
      case COMMA:
        if (depth === elementDepth) {
          if (elementStart < 0) return undefined
          layout!.starts.push(elementStart)
          layout!.ends.push(lastEnd)
          elementStart = -1
          afterComma = true
        } else if (depth === 1) {
          expectKey = true
        }
        break
      case COLON:
        break
      default: {
        // A number or a literal (true, false, null), as an element or a value inside one.
        startElement(i)
        if (tokenLast !== i - 1) tokenStart = i
        tokenLast = i
        if (elementDepth >= 0) {
          const lossy =
            (byte === MINUS && buf[i + 1] === ZERO) ||
            ((byte === 0x65 || byte === 0x45) && (isDigit(buf[i - 1]) || buf[i - 1] === DOT)) || // e E
            i - tokenStart >= MAX_SAFE_NUMBER_CHARS // longer than this
          const element = layout!.starts.length
          if (lossy && layout!.lossy[layout!.lossy.length - 1] !== element) layout!.lossy.push(element)
        }
      }
    }
    lastEnd = i + 1
  }
  if (batchKeys !== 1 || layout === undefined || layout.arrayEnd < 0) return undefined
  layout.protoString = protoString
  layout.depth = maxLevel
  layout.deepest = deepest
  return layout
}

/** Raw byte size of each batch element, or undefined when the layout cannot be found. */
export function measureBatchElements(buf: Buffer): number[] | undefined {
  const layout = locateBatchElements(buf)
  return layout?.starts.map((start, index) => layout.ends[index] - start)
}
