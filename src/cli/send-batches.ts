// Reads an NDJSON file of Segment events and groups the lines into `/v1/batch` request bodies that
// respect the ingest limits (events per request, bytes per request, bytes per event). The raw line
// text is sent as is: the file is parsed only to check it, never re-serialised.
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'

/** Segment's limits, the service's defaults (docs/ingest.md). */
export const MAX_EVENT_BYTES = 32 * 1024
export const MAX_REQUEST_BYTES = 500 * 1024

/** `{"batch":[` + `]}` */
const ENVELOPE_BYTES = Buffer.byteLength('{"batch":[]}')

export interface BatchLimits {
  /** Most events in one request. */
  batchSize: number
  /** Largest request body in bytes. */
  maxRequestBytes: number
  /** Largest event in bytes (raw JSON). */
  maxEventBytes: number
}

/** One request's worth of events. */
export interface EventBatch {
  /** The request body. */
  body: string
  /** 1-based file line of each event, in batch order (maps `rejected[].index` back to lines). */
  lines: number[]
}

export type SkipReason = 'invalid_json' | 'not_an_object' | 'event_too_large'

/** A line that was not sent, with why. */
export interface SkippedLine {
  line: number
  reason: SkipReason
  message: string
}

export interface BatchReaderEvents {
  onSkip(skipped: SkippedLine): void
}

function checkLine(text: string, lineNumber: number, limits: BatchLimits): SkippedLine | number {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return { line: lineNumber, reason: 'invalid_json', message: `invalid JSON: ${(error as Error).message}` }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`
    return {
      line: lineNumber,
      reason: 'not_an_object',
      message: `an event must be a JSON object, got ${kind}`,
    }
  }
  const bytes = Buffer.byteLength(text)
  if (bytes > limits.maxEventBytes) {
    return {
      line: lineNumber,
      reason: 'event_too_large',
      message: `event is ${bytes} bytes, over the limit of ${limits.maxEventBytes} bytes per event`,
    }
  }
  return bytes
}

/**
 * Yields request bodies from the file, in file order. Blank lines are ignored; invalid lines are
 * reported through `events.onSkip` and left out.
 */
export async function* readBatches(
  file: string,
  limits: BatchLimits,
  events: BatchReaderEvents,
): AsyncGenerator<EventBatch> {
  const input = createReadStream(file, { encoding: 'utf8' })
  const reader = createInterface({ input, crlfDelay: Infinity })
  let parts: string[] = []
  let lines: number[] = []
  let bytes = ENVELOPE_BYTES
  let lineNumber = 0
  const take = (): EventBatch => {
    const batch = { body: `{"batch":[${parts.join(',')}]}`, lines }
    parts = []
    lines = []
    bytes = ENVELOPE_BYTES
    return batch
  }
  try {
    for await (const raw of reader) {
      lineNumber++
      let text = lineNumber === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw
      text = text.trim()
      if (text === '') continue
      const checked = checkLine(text, lineNumber, limits)
      if (typeof checked !== 'number') {
        events.onSkip(checked)
        continue
      }
      // A comma separates this event from the previous one.
      const added = checked + (parts.length > 0 ? 1 : 0)
      if (parts.length > 0 && (parts.length >= limits.batchSize || bytes + added > limits.maxRequestBytes)) {
        yield take()
      }
      bytes += checked + (parts.length > 0 ? 1 : 0)
      parts.push(text)
      lines.push(lineNumber)
    }
    if (parts.length > 0) yield take()
  } finally {
    reader.close()
    input.destroy()
  }
}

/** Counts the non-blank lines of a file (the progress bar's total) without parsing them. */
export async function countLines(file: string): Promise<number> {
  let count = 0
  let sawContent = false
  for await (const chunk of createReadStream(file)) {
    const buffer = chunk as Buffer
    for (let i = 0; i < buffer.length; i++) {
      const byte = buffer[i]
      if (byte === 0x0a) {
        if (sawContent) count++
        sawContent = false
      } else if (byte !== 0x20 && byte !== 0x0d && byte !== 0x09) {
        sawContent = true
      }
    }
  }
  return sawContent ? count + 1 : count
}
