// eventJson: the JSON text of a normalised event, as the store keeps it. Ingest reads each batch
// event from its own slice of the request (server/ingest/batch-body.ts); when the event reaches
// normalizeEvent unchanged, its stored JSON is that slice with the fields normalisation filled in
// appended (normalizedJson below) instead of a JSON.stringify of the whole event: serialising was
// a quarter of ingest's CPU. Both texts parse to the same value (test/engine/event-json.test.ts).
import { NORMALIZED_FIELDS } from './normalize.js'
import type { NormalizedEvent, SegmentEvent } from './schemas.js'

/** Stored JSON remembered per normalised event object; entries go with their events. */
const texts = new WeakMap<object, string>()

/**
 * The JSON text to store for an event: the text remembered by rememberEventJson, else
 * JSON.stringify(event). The text is the event as normalised: callers must not have modified the
 * object since (ingest hands events straight to the sink, which stores them first).
 */
export function eventJson(event: NormalizedEvent): string {
  return texts.get(event) ?? JSON.stringify(event)
}

/** Remembers `text` as the stored JSON of `event` (it must parse to a value equal to the event). */
export function rememberEventJson(event: NormalizedEvent, text: string): void {
  texts.set(event, text)
}

/**
 * The JSON text of `normalized = normalizeEvent(input)`, built from `text`, the JSON text `input`
 * was parsed from (an object, so text ends with `}`). normalizeEvent is `{...input, <fields>}`:
 * a field already in input keeps its place with the new value, a new one goes last. JSON.parse
 * does exactly that with a key written twice (the place of the first, the value of the last), so
 * appending every field whose value changed gives a text that parses to `normalized`, key order
 * included. Fields that did not change (a client's messageId or timestamp) are not repeated.
 *
 * Conditions (checked by the caller): text is the exact text of input, with no `__proto__` key and
 * no number whose value JSON.stringify would not write back (batch-scan.ts: lossy); input has at
 * least one key (every valid event has "type").
 */
export function normalizedJson(text: string, input: SegmentEvent, normalized: NormalizedEvent): string {
  let added = ''
  for (const field of NORMALIZED_FIELDS) {
    const value = normalized[field]
    // The values are strings: a field input lacks reads undefined and differs.
    if ((input as Record<string, unknown>)[field] !== value) added += `,"${field}":${JSON.stringify(value)}`
  }
  if (added === '') return text
  return text.slice(0, text.lastIndexOf('}')) + added + '}'
}
