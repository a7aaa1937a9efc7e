// Byte size of each element of a batch body's top-level "batch" array, read from the raw bytes
// (one pass, no re-serialisation). The body has already been parsed successfully, so the bytes
// are valid JSON; anything this scanner cannot account for returns undefined and the caller
// falls back to measuring the parsed events.

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const BATCH_KEY = Buffer.from('batch')

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

export function measureBatchElements(buf: Buffer): number[] | undefined {
  let depth = 0
  let expectKey = false
  let keyIsBatch = false
  // Depth of the batch array's elements while inside it, else -1.
  let elementDepth = -1
  let sizes: number[] | undefined
  let elementStart = -1
  let lastEnd = 0
  const length = buf.length

  for (let i = 0; i < length; i++) {
    const byte = buf[i]
    if (isWhitespace(byte)) continue

    if (byte === QUOTE) {
      const close = stringEnd(buf, i + 1)
      if (close < 0) return undefined
      if (depth === 1 && expectKey) {
        keyIsBatch = close - i - 1 === BATCH_KEY.length && buf.compare(BATCH_KEY, 0, 5, i + 1, close) === 0
        expectKey = false
      } else if (depth === elementDepth && elementStart < 0) {
        elementStart = i
      }
      i = close
      lastEnd = close + 1
      continue
    }

    switch (byte) {
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (depth === elementDepth && elementStart < 0) elementStart = i
        if (byte === OPEN_ARRAY && depth === 1 && keyIsBatch) {
          // A repeated "batch" key: JSON.parse keeps the last one, so do we.
          sizes = []
          elementDepth = 2
          elementStart = -1
        }
        depth++
        if (byte === OPEN_OBJECT && depth === 1) expectKey = true
        break
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        if (depth === elementDepth) {
          if (elementStart >= 0) sizes!.push(lastEnd - elementStart)
          elementStart = -1
          elementDepth = -1
        }
        depth--
        break
      case COMMA:
        if (depth === elementDepth) {
          if (elementStart >= 0) sizes!.push(lastEnd - elementStart)
          elementStart = -1
        } else if (depth === 1) {
          expectKey = true
        }
        break
      case COLON:
        break
      default:
        // A number or a literal (true, false, null) as an element.
        if (depth === elementDepth && elementStart < 0) elementStart = i
    }
    lastEnd = i + 1
  }
  return sizes
}
