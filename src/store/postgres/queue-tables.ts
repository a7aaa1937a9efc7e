// The job queue: enqueue, FOR UPDATE SKIP LOCKED claims (several nodes never get the same job),
// settling claimed jobs, lease reclaim and queue statistics.
import { rowToJob, rowToQueueStats } from '../rows.js'
import type * as T from '../types.js'
import { Q, type PgConnection } from './connection.js'
import { insertJobs } from './inserts.js'

export class QueueTables {
  constructor(readonly db: PgConnection) {}

  enqueue(jobs: T.NewJob[], now = Date.now()): Promise<number[]> {
    return insertJobs(this.db, jobs, now, this.db.pool)
  }

  async claim(req: T.ClaimRequest): Promise<T.Job[]> {
    const now = req.now ?? Date.now()
    const rows = await this.db.rows(Q.queue.CLAIM_JOBS, [
      req.destinationId,
      req.endpoint,
      now,
      req.limit,
      req.workerId,
      now + req.leaseMs,
    ])
    return rows.map(rowToJob).sort((a, b) => a.id - b.id)
  }

  complete(jobIds: number[], info: T.CompleteInfo = {}): Promise<number> {
    if (jobIds.length === 0) return Promise.resolve(0)
    return this.db.count(Q.queue.COMPLETE_JOBS, [jobIds, info.at ?? Date.now(), info.statusCode ?? null])
  }

  reschedule(jobIds: number[], info: T.RescheduleInfo): Promise<number> {
    if (jobIds.length === 0) return Promise.resolve(0)
    return this.db.count(Q.queue.RESCHEDULE_JOBS, [
      jobIds,
      info.at ?? Date.now(),
      info.runAt,
      info.statusCode ?? null,
      info.errorCode ?? null,
      info.errorMessage,
    ])
  }

  release(jobIds: number[]): Promise<number> {
    if (jobIds.length === 0) return Promise.resolve(0)
    return this.db.count(Q.queue.RELEASE_JOBS, [jobIds])
  }

  deadLetter(jobIds: number[], info: T.DeadLetterInfo): Promise<number> {
    if (jobIds.length === 0) return Promise.resolve(0)
    return this.db.count(Q.queue.DEAD_LETTER_JOBS, [
      jobIds,
      info.at ?? Date.now(),
      info.reason,
      info.code,
      info.statusCode ?? null,
    ])
  }

  reclaimExpired(now = Date.now()): Promise<number> {
    return this.db.count(Q.queue.RECLAIM_EXPIRED, [now])
  }

  async listQueues(): Promise<T.QueueKey[]> {
    return (await this.db.rows(Q.queue.LIST_QUEUES, [])).map((r) => ({
      destinationId: String(r.destination_id),
      endpoint: String(r.endpoint),
    }))
  }

  async queueStats(now = Date.now()): Promise<T.QueueStats[]> {
    return (await this.db.rows(Q.queue.QUEUE_STATS, [now])).map(rowToQueueStats)
  }

  async nextRunAt(queue: T.QueueKey): Promise<number | null> {
    const [row] = await this.db.rows(Q.queue.NEXT_RUN_AT, [queue.destinationId, queue.endpoint])
    return row.next_run_at === null ? null : Number(row.next_run_at)
  }

  async expedite(queue: T.QueueKey, now = Date.now()): Promise<number> {
    return this.db.count(Q.queue.EXPEDITE, [queue.destinationId, queue.endpoint, now])
  }

  async jobsOfEvents(eventIds: readonly number[]): Promise<T.Job[]> {
    if (eventIds.length === 0) return []
    return (await this.db.rows(Q.queue.SELECT_JOBS_OF_EVENTS, [eventIds])).map(rowToJob)
  }

  getJob(id: number): Promise<T.Job | null> {
    return this.db.one(Q.queue.SELECT_JOB, [id], rowToJob)
  }
}
