// Multi-row job inserts shared by ingest (jobs routed in the ingest transaction) and enqueue.
import { toJsonText } from '../rows.js'
import type * as T from '../types.js'
import { BatchInsert } from './batchInsert.js'
import type { SqliteConnection } from './connection.js'
import * as ingestSql from './sql/ingest.js'

export class JobInserts {
  readonly #rows: BatchInsert

  constructor(conn: SqliteConnection) {
    this.#rows = new BatchInsert(conn.db, ingestSql.INSERT_JOBS_HEAD, ingestSql.JOB_COLUMNS)
  }

  /** Inserts `jobs` (inside the caller's transaction); returns their ids in order. */
  run(jobs: readonly T.NewJob[], now: number): number[] {
    return this.#rows.run(jobs.length, (row, values, at) => {
      const job = jobs[row]
      values[at] = job.destinationId
      values[at + 1] = job.endpoint
      values[at + 2] = job.mappingId
      values[at + 3] = job.eventId
      values[at + 4] = job.messageId
      values[at + 5] = job.action
      values[at + 6] = job.orderingKey ?? null
      values[at + 7] = job.isBarrier ? 1 : 0
      values[at + 8] = job.batchKey ?? null
      values[at + 9] = toJsonText(job.payload)
      values[at + 10] = job.runAt ?? now
      values[at + 11] = now
    })
  }
}
