import type { NormalizedEvent } from '../../engine/event/index.js'
import { DEFAULT_MAX_JSON_DEPTH, MAX_JSON_DEPTH_SETTING } from '../json-inspect.js'

export type ScreenVerdict = 'keep' | 'drop' | 'refuse'

/** The source a write key belongs to. */
export interface ResolvedSource {
  sourceId: string
}

/** What the sink learns about the accepted events besides the events themselves. */
export interface AcceptInfo {
  /** Raw JSON size in bytes of each event as received (same order as the events). */
  sizes: readonly number[]
  /** The route the request came in on, for instance `/v1/batch`. */
  route: string
}

export interface AcceptResult {
  /** messageIds already seen within the dedupe window (accepted, but delivered once). */
  duplicates?: readonly string[]
}

export interface IngestLimits {
  /** Largest single event, in bytes of raw JSON. Segment: 32 KB. */
  maxEventBytes: number
  /** Largest request body (after gzip decoding), in bytes. Segment: 500 KB. */
  maxRequestBytes: number
  /** Deepest nesting of an event's JSON (the event object is level 1); at most 1000. */
  maxJsonDepth: number
}

export interface IngestOptions {
  /** Returns the source of an active write key, or null when the key is unknown or revoked. */
  resolveWriteKey: (key: string) => Promise<ResolvedSource | null> | ResolvedSource | null
  /**
   * The sink. Resolves only once the events are durably committed: the route answers 200 only
   * after that. A rejection becomes a 503 (retryable) for the client.
   */
  accept: (
    sourceId: string,
    events: NormalizedEvent[],
    receivedAt: Date,
    info: AcceptInfo,
  ) => Promise<AcceptResult | void>
  limits?: Partial<IngestLimits>
  /**
   * Events of forgotten users: kept, dropped (answered as accepted, stored as nothing) or refused
   * (listed as rejected; a single event gets a 403). Default: every event is kept.
   */
  screen?: (event: NormalizedEvent) => ScreenVerdict
  /** The time used for `receivedAt`; tests pass a fixed clock. */
  clock?: () => Date
}

export const DEFAULT_LIMITS: Readonly<IngestLimits> = Object.freeze({
  maxEventBytes: 32 * 1024,
  maxRequestBytes: 500 * 1024,
  maxJsonDepth: DEFAULT_MAX_JSON_DEPTH,
})

export function resolveLimits(limits: Partial<IngestLimits> | undefined): IngestLimits {
  const merged = { ...DEFAULT_LIMITS, ...limits }
  for (const [name, value] of Object.entries(merged)) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new TypeError(`ingest limit ${name} must be a positive integer, got ${String(value)}`)
    }
  }
  if (merged.maxJsonDepth > MAX_JSON_DEPTH_SETTING) {
    throw new TypeError(`ingest limit maxJsonDepth must be at most ${MAX_JSON_DEPTH_SETTING}`)
  }
  return merged
}
