// Set-based inserts shared by ingest (jobs and routing failures in the ingest transaction), enqueue
// and recordOutcomes: one unnest statement per table, whatever the number of rows.
import { toJsonText } from '../rows.js'
import type * as T from '../types.js'
import { Q, type PgConnection, type Queryable } from './connection.js'

export async function insertJobs(
  db: PgConnection,
  jobs: readonly T.NewJob[],
  now: number,
  on: Queryable,
): Promise<number[]> {
  if (jobs.length === 0) return []
  const rows = await db.rows(
    Q.ingest.INSERT_JOBS,
    [
      now,
      jobs.map((j) => j.destinationId),
      jobs.map((j) => j.endpoint),
      jobs.map((j) => j.mappingId),
      jobs.map((j) => j.eventId),
      jobs.map((j) => j.messageId),
      jobs.map((j) => j.action),
      jobs.map((j) => j.orderingKey ?? null),
      jobs.map((j) => j.isBarrier ?? false),
      jobs.map((j) => j.batchKey ?? null),
      jobs.map((j) => toJsonText(j.payload)),
      jobs.map((j) => j.runAt ?? now),
    ],
    on,
  )
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b)
}

export async function insertOutcomes(
  db: PgConnection,
  outcomes: readonly Omit<T.Outcome, 'id' | 'payload'>[],
  on: Queryable,
): Promise<void> {
  if (outcomes.length === 0) return
  await db.count(
    Q.ingest.INSERT_OUTCOMES,
    [
      outcomes.map((o) => o.at),
      outcomes.map((o) => o.outcome),
      outcomes.map((o) => o.destinationId),
      outcomes.map((o) => o.mappingId),
      outcomes.map((o) => o.action),
      outcomes.map((o) => o.eventId),
      outcomes.map((o) => o.messageId),
      outcomes.map((o) => o.userKey),
      outcomes.map((o) => o.jobId),
      outcomes.map((o) => o.statusCode),
      outcomes.map((o) => o.errorCode),
      outcomes.map((o) => o.errorMessage),
    ],
    on,
  )
}
