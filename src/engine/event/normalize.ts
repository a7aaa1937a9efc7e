// normalizeEvent: the ingest-time fill-ins of the design contract, on a NEW object (the input is
// never modified; nested objects are shared, not copied):
// - messageId: kept when the client set one, else generated (`iterable-actions-<uuid>`);
// - receivedAt: the time this service received the event (always ours, ISO string);
// - timestamp: kept when the client set it; else receivedAt − (sentAt − originalTimestamp) when both
//   are valid dates (corrects the client's clock skew); else receivedAt.

import { randomUUID } from 'node:crypto'
import { parseIsoDate } from './iso-date.js'
import type { NormalizedEvent, SegmentEvent } from './schemas.js'

/** The fields normalizeEvent sets, in the order it adds them (json-text.ts relies on this list). */
export const NORMALIZED_FIELDS = ['messageId', 'receivedAt', 'timestamp'] as const

export interface NormalizeOptions {
  receivedAt: Date
  /** Makes ids deterministic in tests and previews. */
  generateId?: () => string
}

export function generateMessageId(): string {
  return `iterable-actions-${randomUUID()}`
}

function isSet(value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}

function eventTime(event: SegmentEvent, receivedAtMs: number): string {
  if (isSet(event.timestamp)) return event.timestamp
  if (isSet(event.sentAt) && isSet(event.originalTimestamp)) {
    const skew = parseIsoDate(event.sentAt) - parseIsoDate(event.originalTimestamp)
    const corrected = receivedAtMs - skew
    // NaN when a date is unreadable; out of range for absurd skews: fall back to receivedAt.
    if (Number.isFinite(corrected) && Math.abs(corrected) <= 8.64e15) return new Date(corrected).toISOString()
  }
  return new Date(receivedAtMs).toISOString()
}

export function normalizeEvent<E extends SegmentEvent>(
  event: E,
  options: NormalizeOptions,
): E & Pick<NormalizedEvent, 'messageId' | 'timestamp' | 'receivedAt'> {
  const receivedAtMs = options.receivedAt.getTime()
  return {
    ...event,
    messageId: isSet(event.messageId) ? event.messageId : (options.generateId ?? generateMessageId)(),
    receivedAt: new Date(receivedAtMs).toISOString(),
    timestamp: eventTime(event, receivedAtMs),
  }
}
