// What the live view shows of a stored event (a summary, not the body: the stream stays small) and
// the server-side filter a listener asks for (source, type, event name).
import type { StoredEvent } from '../../store/types.js'

export interface LiveEvent {
  id: number
  messageId: string
  receivedAt: number
  sourceId: string
  type: string
  /** The track event's name, or the page/screen name; null for other types. */
  name: string | null
  userId: string | null
  anonymousId: string | null
  size: number
  /** A replay's copy of this stored event id. */
  replayOf: number | null
}

export interface LiveFilter {
  sourceId?: string
  type?: string
  /** Matches event names containing it, ignoring case. */
  name?: string
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

/** The summary of a stored event; a body that is not a JSON object shows as type "unknown". */
export function liveEventOf(event: StoredEvent): LiveEvent {
  let body: Record<string, unknown> = {}
  try {
    const parsed = JSON.parse(event.body) as unknown
    if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>
  } catch {
    // Stored events are JSON written by ingest; a damaged one is still listed.
  }
  const type = text(body.type) ?? 'unknown'
  return {
    id: event.id,
    messageId: event.messageId,
    receivedAt: event.receivedAt,
    sourceId: event.sourceId,
    type,
    name: type === 'track' ? text(body.event) : type === 'page' || type === 'screen' ? text(body.name) : null,
    userId: text(body.userId),
    anonymousId: text(body.anonymousId),
    size: event.size,
    replayOf: event.replayOf ?? null,
  }
}

export function matchesLiveFilter(event: LiveEvent, filter: LiveFilter): boolean {
  if (filter.sourceId !== undefined && event.sourceId !== filter.sourceId) return false
  if (filter.type !== undefined && event.type !== filter.type) return false
  if (filter.name !== undefined) {
    if (event.name === null || !event.name.toLowerCase().includes(filter.name.toLowerCase())) return false
  }
  return true
}
