// Row <-> record conversion shared by every backend: both dialects use the same snake_case
// column names, so one set of mappers serves them all.
import type {
  AdminTokenRecord,
  Attempt,
  ConfigRevision,
  DeadLetter,
  DeadLetterGroup,
  Destination,
  JsonInput,
  Mapping,
  NewAttempt,
  NewDeadLetter,
  NewOutcome,
  NodeRecord,
  Outcome,
  OutcomeCount,
  OutcomeCountDelta,
  OutcomeKind,
  ParkedItem,
  Source,
  StoredEvent,
} from './types.js'

export type Row = Record<string, unknown>

export function toJsonText(value: JsonInput | undefined | null): string {
  if (typeof value === 'string') return value
  return JSON.stringify(value ?? null)
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v))
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v))
/** A text or id column: the drivers give strings (some ids as numbers); anything else is a bug here. */
export function text(v: unknown): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  throw new TypeError(`expected a text column, got ${v === null ? 'null' : typeof v}`)
}
export const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : text(v))
const parseObject = (v: unknown): Record<string, unknown> =>
  typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : ((v ?? {}) as Record<string, unknown>)

export function rowToSource(r: Row): Source {
  return {
    id: String(r.id),
    name: String(r.name),
    writeKeyHint: r.write_key_hint === null || r.write_key_hint === undefined ? '' : text(r.write_key_hint),
    createdAt: num(r.created_at),
    revokedAt: numOrNull(r.revoked_at),
  }
}

export function rowToDestination(r: Row): Destination {
  return {
    id: String(r.id),
    name: String(r.name),
    kind: String(r.kind),
    settings: parseObject(r.settings),
    hasApiKey: r.api_key_sealed !== null && r.api_key_sealed !== undefined,
    enabled: Boolean(r.enabled),
    paused:
      r.paused_reason === null || r.paused_reason === undefined
        ? null
        : { reason: text(r.paused_reason), since: num(r.paused_since) },
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  }
}

export function rowToRevision(r: Row): ConfigRevision {
  return { revision: num(r.revision), createdAt: num(r.created_at), config: String(r.config) }
}

export function rowToMapping(r: Row): Mapping {
  return {
    id: String(r.id),
    destinationId: String(r.destination_id),
    name: String(r.name),
    enabled: Boolean(r.enabled),
    trigger: String(r.trigger_text),
    action: String(r.action),
    fields: parseObject(r.fields),
    batching: r.batching === null || r.batching === undefined ? null : parseObject(r.batching),
    position: num(r.position),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  }
}

export function rowToOutcome(r: Row): Outcome {
  return {
    id: num(r.id),
    at: num(r.at),
    outcome: String(r.outcome) as OutcomeKind,
    destinationId: String(r.destination_id),
    mappingId: textOrNull(r.mapping_id),
    action: String(r.action),
    eventId: numOrNull(r.event_id),
    ordinal: numOrNull(r.ordinal),
    messageId: String(r.message_id),
    userKey: textOrNull(r.user_key),
    statusCode: numOrNull(r.status_code),
    errorCode: textOrNull(r.error_code),
    errorMessage: textOrNull(r.error_message),
    payload: textOrNull(r.payload),
  }
}

export function rowToEvent(r: Row): StoredEvent {
  return {
    id: num(r.id),
    sourceId: String(r.source_id),
    messageId: String(r.message_id),
    receivedAt: num(r.received_at),
    size: num(r.size),
    userKey: textOrNull(r.user_key),
    body: String(r.body),
    revision: num(r.revision ?? 0),
    destinationId: textOrNull(r.destination_id),
    ...(r.replay_of !== null && r.replay_of !== undefined ? { replayOf: num(r.replay_of) } : {}),
  }
}

/** An event row read in raw mode, columns in the order of the dialect's READ_LOG. */
export function rawRowToEvent(r: unknown[]): StoredEvent {
  return {
    id: num(r[0]),
    sourceId: r[1] as string,
    messageId: r[2] as string,
    receivedAt: num(r[3]),
    size: num(r[4]),
    userKey: r[5] as string | null,
    body: r[6] as string,
    revision: num(r[7]),
    destinationId: r[8] as string | null,
    ...(r[9] !== null && r[9] !== undefined ? { replayOf: num(r[9]) } : {}),
  }
}

export function rowToAttempt(r: Row): Attempt {
  return {
    id: num(r.id),
    at: num(r.at),
    destinationId: String(r.destination_id),
    endpoint: String(r.endpoint),
    requestBody: textOrNull(r.request_body),
    responseStatus: numOrNull(r.response_status),
    responseBody: textOrNull(r.response_body),
    durationMs: num(r.duration_ms),
    jobCount: num(r.job_count),
    eventIds: decodeEventIds(textOrNull(r.event_ids) ?? ''),
    error: textOrNull(r.error),
  }
}

/** Event ids as stored with a request: the first, then the differences, comma-separated (short). */
export function encodeEventIds(ids: readonly number[]): string {
  let out = ''
  for (let i = 0; i < ids.length; i++) out += i === 0 ? String(ids[0]) : ',' + String(ids[i] - ids[i - 1])
  return out
}

export function decodeEventIds(text: string): number[] {
  if (text === '') return []
  const ids: number[] = []
  let last = 0
  for (const part of text.split(',')) {
    last = ids.length === 0 ? Number(part) : last + Number(part)
    ids.push(last)
  }
  return ids
}

function parseKeys(v: unknown): string[] {
  const parsed: unknown = typeof v === 'string' ? JSON.parse(v) : v
  return Array.isArray(parsed) ? parsed.map(String) : []
}

/** A nodes table row (both backends). */
export function rowToAdminToken(r: Row): AdminTokenRecord {
  return {
    hash: text(r.hash),
    hint: text(r.hint),
    createdAt: num(r.created_at),
    rotatedAt: num(r.rotated_at),
  }
}

export function rowToNode(r: Row): NodeRecord {
  return {
    id: String(r.id),
    startedAt: Number(r.started_at),
    heartbeatAt: Number(r.heartbeat_at),
    host: String(r.host),
    pid: Number(r.pid),
    version: String(r.version),
    forgottenSeen: Number(r.forgotten_seen ?? 0),
  }
}

export function rowToParked(r: Row): ParkedItem & { destinationId: string } {
  return {
    id: num(r.id),
    destinationId: String(r.destination_id),
    eventId: num(r.event_id),
    ordinal: num(r.ordinal),
    position: num(r.position),
    messageId: String(r.message_id),
    mappingId: textOrNull(r.mapping_id),
    action: String(r.action),
    lane: String(r.lane),
    keys: parseKeys(r.ordering_keys),
    payload: String(r.payload),
    attempts: num(r.attempts),
    firstEnqueuedAt: num(r.first_enqueued_at),
    runAt: num(r.run_at),
    held: Boolean(r.held),
    waitingForUser: Boolean(r.waiting_for_user),
    lastError: textOrNull(r.last_error),
    statusCode: numOrNull(r.status_code),
    errorCode: textOrNull(r.error_code),
  }
}

/** A parked item as the named parameters of UPSERT_PARKED. */
export function parkedParams(destinationId: string, item: ParkedItem): Record<string, unknown> {
  return {
    destinationId,
    eventId: item.eventId,
    ordinal: item.ordinal,
    position: item.position,
    messageId: item.messageId,
    mappingId: item.mappingId,
    action: item.action,
    lane: item.lane,
    keys: JSON.stringify(item.keys),
    payload: item.payload,
    attempts: item.attempts,
    firstEnqueuedAt: item.firstEnqueuedAt,
    runAt: item.runAt,
    held: item.held ? 1 : 0,
    waitingForUser: item.waitingForUser ? 1 : 0,
    lastError: item.lastError,
    statusCode: item.statusCode,
    errorCode: item.errorCode,
  }
}

export function deadLetterParams(destinationId: string, d: NewDeadLetter): Record<string, unknown> {
  return {
    destinationId,
    eventId: d.eventId,
    ordinal: d.ordinal,
    messageId: d.messageId,
    mappingId: d.mappingId,
    action: d.action,
    lane: d.lane,
    keys: JSON.stringify(d.keys),
    payload: d.payload,
    attempts: d.attempts,
    firstEnqueuedAt: d.firstEnqueuedAt,
    lastError: d.lastError,
    reason: d.reason,
    code: d.code,
    statusCode: d.statusCode,
    deadAt: d.deadAt,
    field: d.field ?? null,
  }
}

export function outcomeParams(destinationId: string, o: NewOutcome): Record<string, unknown> {
  return { ...o, destinationId }
}

/** A request of the attempts log as named parameters (bodies truncated to `maxBodyBytes`). */
export function attemptParams(
  destinationId: string,
  a: NewAttempt,
  maxBodyBytes: number,
): Record<string, unknown> {
  const requestBody = a.requestBody === null ? null : truncateBody(a.requestBody, maxBodyBytes)
  const responseBody = a.responseBody === null ? null : truncateBody(a.responseBody, maxBodyBytes)
  const ids = a.eventIds
  let first: number | null = null
  let last: number | null = null
  for (const id of ids) {
    if (first === null || id < first) first = id
    if (last === null || id > last) last = id
  }
  return {
    at: a.at ?? Date.now(),
    destinationId,
    endpoint: a.endpoint,
    requestBody,
    responseStatus: a.responseStatus,
    responseBody,
    durationMs: Math.round(a.durationMs),
    jobCount: a.jobCount,
    error: a.error ?? null,
    bytes:
      (requestBody ? Buffer.byteLength(requestBody) : 0) +
      (responseBody ? Buffer.byteLength(responseBody) : 0),
    firstEventId: first,
    lastEventId: last,
    eventIds: encodeEventIds(ids),
  }
}

/** Outcome counter deltas, summed per (minute, mapping, action, outcome), as named parameters. */
export function countParams(
  destinationId: string,
  deltas: readonly OutcomeCountDelta[],
): Record<string, unknown>[] {
  const sums = new Map<string, Record<string, unknown> & { count: number }>()
  for (const d of deltas) {
    const bucketStart = Math.floor(d.at / MINUTE) * MINUTE
    const mappingId = d.mappingId ?? ''
    const key = `${bucketStart}\u0000${mappingId}\u0000${d.action}\u0000${d.outcome}`
    const sum = sums.get(key)
    if (sum === undefined) {
      sums.set(key, {
        bucketStart,
        destinationId,
        mappingId,
        action: d.action,
        outcome: d.outcome,
        count: d.count,
      })
    } else sum.count += d.count
  }
  return [...sums.values()]
}

const MINUTE = 60_000

export function rowToDeadLetter(r: Row): DeadLetter {
  return {
    id: num(r.id),
    destinationId: String(r.destination_id),
    eventId: num(r.event_id),
    ordinal: num(r.ordinal),
    messageId: String(r.message_id),
    mappingId: textOrNull(r.mapping_id),
    action: String(r.action),
    lane: String(r.lane),
    keys: parseKeys(r.ordering_keys),
    payload: String(r.payload),
    attempts: num(r.attempts),
    firstEnqueuedAt: num(r.first_enqueued_at),
    lastError: textOrNull(r.last_error),
    reason: String(r.reason),
    code: String(r.code),
    statusCode: numOrNull(r.status_code),
    deadAt: num(r.dead_at),
    field: textOrNull(r.field),
    replayedAt: numOrNull(r.replayed_at),
  }
}

export function rowToDeadLetterGroup(r: Row): DeadLetterGroup {
  return {
    destinationId: String(r.destination_id),
    mappingId: textOrNull(r.mapping_id),
    action: String(r.action),
    code: String(r.code),
    reason: String(r.reason),
    field: textOrNull(r.field),
    count: num(r.n),
    firstDeadAt: num(r.first_dead_at),
    lastDeadAt: num(r.last_dead_at),
  }
}

/** Truncates a body to at most `maxBytes` UTF-8 bytes (approximately, by characters first). */
export function truncateBody(body: string, maxBytes: number): string {
  if (body.length * 3 <= maxBytes || Buffer.byteLength(body) <= maxBytes) return body
  const marker = '…[truncated]'
  let cut = Buffer.from(body, 'utf8')
    .subarray(0, Math.max(0, maxBytes - 16))
    .toString('utf8')
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1)
  return cut + marker
}

/** Removes repeated messageIds inside one request: the first occurrence wins. */
export function splitRepeats<T extends { messageId: string }>(
  events: readonly T[],
): { firsts: number[]; repeats: string[] } {
  const seen = new Set<string>()
  const firsts: number[] = []
  const repeats: string[] = []
  for (let i = 0; i < events.length; i++) {
    const id = events[i].messageId
    if (seen.has(id)) repeats.push(id)
    else {
      seen.add(id)
      firsts.push(i)
    }
  }
  return { firsts, repeats }
}

export function rowToOutcomeCount(r: Row): OutcomeCount {
  return {
    bucketStart: Number(r.bucket_start),
    destinationId: String(r.destination_id),
    mappingId: textOrNull(r.mapping_id),
    action: String(r.action),
    outcome: r.outcome as OutcomeKind,
    count: Number(r.count),
  }
}
