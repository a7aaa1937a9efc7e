// Row <-> record conversion shared by every backend: both dialects use the same snake_case
// column names, so one set of mappers serves them all.
import type {
  Attempt,
  DeadLetter,
  Destination,
  Job,
  QueuedWork,
  JsonInput,
  Mapping,
  Outcome,
  OutcomeCount,
  OutcomeKind,
  QueueStats,
  RoutingFailure,
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
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))
const parseObject = (v: unknown): Record<string, unknown> =>
  typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : ((v ?? {}) as Record<string, unknown>)

export function rowToSource(r: Row): Source {
  return {
    id: String(r.id),
    name: String(r.name),
    writeKeyHint: String(r.write_key_hint ?? ''),
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
        : { reason: String(r.paused_reason), since: num(r.paused_since) },
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  }
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

function rowToQueuedWork(r: Row): QueuedWork {
  return {
    id: num(r.id),
    destinationId: String(r.destination_id),
    endpoint: String(r.endpoint),
    mappingId: strOrNull(r.mapping_id),
    eventId: numOrNull(r.event_id),
    messageId: String(r.message_id),
    action: String(r.action),
    orderingKey: strOrNull(r.ordering_key),
    isBarrier: Boolean(r.is_barrier),
    batchKey: strOrNull(r.batch_key),
    payload: String(r.payload),
    attempts: num(r.attempts),
    firstEnqueuedAt: num(r.first_enqueued_at),
    lastError: strOrNull(r.last_error),
  }
}

export function rowToJob(r: Row): Job {
  return {
    ...rowToQueuedWork(r),
    runAt: num(r.run_at),
    lockedBy: strOrNull(r.locked_by),
    lockedUntil: numOrNull(r.locked_until),
  }
}

/** A job row read in raw mode, columns in the order of the dialect's JOB_COLUMNS. */
export function rawRowToJob(r: unknown[]): Job {
  return {
    id: num(r[0]),
    destinationId: r[1] as string,
    endpoint: r[2] as string,
    mappingId: r[3] as string | null,
    eventId: numOrNull(r[4]),
    messageId: r[5] as string,
    action: r[6] as string,
    orderingKey: r[7] as string | null,
    isBarrier: Boolean(r[8]),
    batchKey: r[9] as string | null,
    payload: r[10] as string,
    attempts: num(r[11]),
    runAt: num(r[12]),
    firstEnqueuedAt: num(r[13]),
    lockedBy: r[14] as string | null,
    lockedUntil: numOrNull(r[15]),
    lastError: r[16] as string | null,
  }
}

export function rowToOutcome(r: Row): Outcome {
  return {
    id: num(r.id),
    at: num(r.at),
    outcome: String(r.outcome) as OutcomeKind,
    destinationId: String(r.destination_id),
    mappingId: strOrNull(r.mapping_id),
    action: String(r.action),
    eventId: numOrNull(r.event_id),
    messageId: String(r.message_id),
    userKey: strOrNull(r.user_key),
    jobId: numOrNull(r.job_id),
    statusCode: numOrNull(r.status_code),
    errorCode: strOrNull(r.error_code),
    errorMessage: strOrNull(r.error_message),
    payload: strOrNull(r.payload),
  }
}

export function rowToEvent(r: Row): StoredEvent {
  return {
    id: num(r.id),
    sourceId: String(r.source_id),
    messageId: String(r.message_id),
    receivedAt: num(r.received_at),
    size: num(r.size),
    userKey: strOrNull(r.user_key),
    body: String(r.body),
  }
}

export function rowToAttempt(r: Row): Attempt {
  return {
    id: num(r.id),
    at: num(r.at),
    destinationId: String(r.destination_id),
    endpoint: String(r.endpoint),
    requestBody: String(r.request_body),
    responseStatus: numOrNull(r.response_status),
    responseBody: strOrNull(r.response_body),
    durationMs: num(r.duration_ms),
    jobCount: num(r.job_count),
    error: strOrNull(r.error),
  }
}

export function rowToDeadLetter(r: Row): DeadLetter {
  return {
    ...rowToQueuedWork(r),
    jobId: num(r.job_id),
    reason: String(r.reason),
    code: String(r.code),
    statusCode: numOrNull(r.status_code),
    deadAt: num(r.dead_at),
    replayedAt: numOrNull(r.replayed_at),
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
    mappingId: r.mapping_id === null ? null : String(r.mapping_id),
    action: String(r.action),
    outcome: r.outcome as OutcomeKind,
    count: Number(r.count),
  }
}

export function rowToQueueStats(r: Row): QueueStats {
  return {
    destinationId: String(r.destination_id),
    endpoint: String(r.endpoint),
    depth: Number(r.depth),
    ready: Number(r.ready),
    leased: Number(r.leased),
    oldestEnqueuedAt: r.oldest_enqueued_at === null ? null : Number(r.oldest_enqueued_at),
  }
}

/** The 'failed' outcome row of an event that routing could not turn into a job. */
export function routingFailureOutcome(f: RoutingFailure, at: number) {
  return {
    at,
    outcome: 'failed' as const,
    destinationId: f.destinationId,
    mappingId: f.mappingId,
    action: f.action,
    eventId: f.eventId,
    messageId: f.messageId,
    userKey: f.userKey ?? null,
    jobId: null,
    statusCode: null,
    errorCode: f.errorCode,
    errorMessage: f.errorMessage,
  }
}
