// The job queue: enqueue, claims (ready ids, lease, read back), settling claimed jobs through the
// group commit, lease reclaim and queue statistics.
import { rawRowToJob, rowToJob, rowToQueueStats, type Row } from '../rows.js'
import type * as T from '../types.js'
import type { SqliteConnection } from './connection.js'
import type { JobInserts } from './inserts.js'

export class QueueTables {
  readonly #queue

  constructor(
    readonly conn: SqliteConnection,
    readonly jobs: JobInserts,
  ) {
    this.#queue = conn.q.queue
  }

  async enqueue(jobs: T.NewJob[], now = Date.now()): Promise<number[]> {
    return this.conn.write(() => this.jobs.run(jobs, now))
  }

  async claim(req: T.ClaimRequest): Promise<T.Job[]> {
    const now = req.now ?? Date.now()
    return this.conn.group.run(() => this.#claimInTransaction(req, now))
  }

  #claimInTransaction(req: T.ClaimRequest, now: number): T.Job[] {
    const q = this.#queue
    // Leases of a claimer that died come back first (an index probe when none expired).
    q.RECLAIM_EXPIRED.run({ now })
    const claimed: number[] = []
    const lockedUntil = now + req.leaseMs
    for (;;) {
      const wanted = req.limit - claimed.length
      const rows = q.SELECT_READY_JOBS.all({
        destinationId: req.destinationId,
        endpoint: req.endpoint,
        now,
        limit: wanted,
      }) as [number, number | null][]
      const ready: number[] = []
      for (const [id, blocker] of rows) {
        if (blocker === null) ready.push(id)
        else q.PARK_JOB.run({ id, blocker })
      }
      // Leased rows leave jobs_ready, so the next read starts after them.
      if (ready.length > 0) {
        q.LEASE_JOBS.run({ ids: JSON.stringify(ready), workerId: req.workerId, lockedUntil })
        for (const id of ready) claimed.push(id)
      }
      // Parked rows made room: read again until the limit is met or the queue has no more.
      if (ready.length === rows.length || rows.length < wanted || claimed.length >= req.limit) break
    }
    if (claimed.length === 0) return []
    return (q.SELECT_JOBS_BY_IDS.all({ ids: JSON.stringify(claimed) }) as unknown[][]).map(rawRowToJob)
  }

  #logJobs(
    ids: string,
    outcome: T.OutcomeKind,
    at: number,
    extra: { statusCode?: number | null; errorCode?: string | null; errorMessage?: string | null },
  ): void {
    this.#queue.LOG_JOB_OUTCOMES.run({
      ids,
      at,
      outcome,
      statusCode: extra.statusCode ?? null,
      errorCode: extra.errorCode ?? null,
      errorMessage: extra.errorMessage ?? null,
    })
  }

  async complete(jobIds: number[], info: T.CompleteInfo = {}): Promise<number> {
    if (jobIds.length === 0) return 0
    const ids = JSON.stringify(jobIds)
    return this.conn.group.soon(() => {
      this.#logJobs(ids, 'delivered', info.at ?? Date.now(), { statusCode: info.statusCode })
      this.#queue.UNPARK_WAITING.run({ ids })
      return this.#queue.DELETE_JOBS.run({ ids }).changes
    })
  }

  async reschedule(jobIds: number[], info: T.RescheduleInfo): Promise<number> {
    if (jobIds.length === 0) return 0
    const ids = JSON.stringify(jobIds)
    return this.conn.group.soon(() => {
      this.#logJobs(ids, 'retrying', info.at ?? Date.now(), {
        statusCode: info.statusCode,
        errorCode: info.errorCode,
        errorMessage: info.errorMessage,
      })
      return this.#queue.RESCHEDULE_JOBS.run({ ids, runAt: info.runAt, lastError: info.errorMessage }).changes
    })
  }

  async release(jobIds: number[]): Promise<number> {
    if (jobIds.length === 0) return 0
    const ids = JSON.stringify(jobIds)
    return this.conn.group.soon(() => this.#queue.RELEASE_JOBS.run({ ids }).changes)
  }

  async deadLetter(jobIds: number[], info: T.DeadLetterInfo): Promise<number> {
    if (jobIds.length === 0) return 0
    const ids = JSON.stringify(jobIds)
    const at = info.at ?? Date.now()
    return this.conn.group.soon(() => {
      this.#logJobs(ids, 'dead', at, {
        statusCode: info.statusCode,
        errorCode: info.code,
        errorMessage: info.reason,
      })
      this.#queue.MOVE_JOBS_TO_DEAD_LETTERS.run({
        ids,
        reason: info.reason,
        code: info.code,
        statusCode: info.statusCode ?? null,
        at,
      })
      this.#queue.UNPARK_WAITING.run({ ids })
      return this.#queue.DELETE_JOBS.run({ ids }).changes
    })
  }

  async reclaimExpired(now = Date.now()): Promise<number> {
    return this.#queue.RECLAIM_EXPIRED.run({ now }).changes
  }

  async listQueues(): Promise<T.QueueKey[]> {
    return (this.#queue.LIST_QUEUES.all() as Row[]).map((r) => ({
      destinationId: String(r.destination_id),
      endpoint: String(r.endpoint),
    }))
  }

  async queueStats(now = Date.now()): Promise<T.QueueStats[]> {
    return (this.#queue.QUEUE_STATS.all({ now }) as Row[]).map(rowToQueueStats)
  }

  async nextRunAt(queue: T.QueueKey): Promise<number | null> {
    const row = this.#queue.NEXT_RUN_AT.get(queue) as { next_run_at: number | null }
    return row.next_run_at
  }

  async expedite(queue: T.QueueKey, now = Date.now()): Promise<number> {
    const params = { destinationId: queue.destinationId, endpoint: queue.endpoint, now }
    return this.conn.group.run(() => this.#queue.EXPEDITE.run(params).changes)
  }

  async jobsOfEvents(eventIds: readonly number[]): Promise<T.Job[]> {
    if (eventIds.length === 0) return []
    return (this.#queue.SELECT_JOBS_OF_EVENTS.all({ ids: JSON.stringify(eventIds) }) as Row[]).map(rowToJob)
  }

  async getJob(id: number): Promise<T.Job | null> {
    const row = this.#queue.SELECT_JOB.get(id) as Row | undefined
    return row ? rowToJob(row) : null
  }
}
