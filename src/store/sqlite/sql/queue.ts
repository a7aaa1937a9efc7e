// Queue statements (SQLite). Each operation is one set-based statement (plus its outcome-log
// insert); job id lists are passed as a JSON array and expanded with json_each.

const IDS = `(SELECT value FROM json_each(@ids))`

/** Column order of claimed rows: read in raw (array) mode, which skips building keyed objects. */
export const JOB_COLUMNS = `id, destination_id, endpoint, mapping_id, event_id, message_id, action, ordering_key, is_barrier,
          batch_key, payload, attempts, run_at, first_enqueued_at, locked_by, locked_until, last_error`

/** run_at of a parked job: after any real time, so it sits at the far end of its queue. */
export const PARKED_RUN_AT = 8_000_000_000_000_000

/**
 * Claim, step 1: up to `limit` ready, unleased jobs of one queue in order of readiness (run_at,
 * id), read from the jobs_ready index. Each comes with `blocker`: for a non-barrier job with an
 * orderingKey, an EARLIER pending barrier job (any endpoint) of the same destination and key —
 * identify first. Blocked jobs are parked (step 1b) and not claimed.
 */
export const SELECT_READY_JOBS = `
SELECT j.id,
       CASE WHEN j.is_barrier = 0 AND j.ordering_key IS NOT NULL THEN (
         SELECT b.id FROM jobs AS b INDEXED BY jobs_barriers
         WHERE b.destination_id = j.destination_id AND b.ordering_key = j.ordering_key
           AND b.is_barrier = 1 AND b.id < j.id
         ORDER BY b.id LIMIT 1)
       END AS blocker
FROM jobs AS j INDEXED BY jobs_ready
WHERE j.destination_id = @destinationId AND j.endpoint = @endpoint
  AND j.locked_until IS NULL AND j.run_at <= @now
ORDER BY j.run_at, j.id
LIMIT @limit`

/** Claim, step 1b: a blocked job waits behind its barrier job instead of being checked at every claim. */
export const PARK_JOB = `UPDATE jobs SET run_at = ${PARKED_RUN_AT}, waiting_on = @blocker WHERE id = @id`

/**
 * Barrier jobs leaving the queue (delivered, dead) make the jobs parked behind them ready, at their
 * place by age (a parked job was ready when parked, so any earlier run_at is right).
 */
export const UNPARK_WAITING = `UPDATE jobs SET run_at = first_enqueued_at, waiting_on = NULL WHERE waiting_on IN ${IDS}`

/** Claim, step 2 (same transaction): lease them. */
export const LEASE_JOBS = `
UPDATE jobs SET locked_by = @workerId, locked_until = @lockedUntil, attempts = attempts + 1
WHERE id IN ${IDS}`

/**
 * Claim, step 3: read them back. Three plain statements beat one UPDATE ... RETURNING here:
 * SQLite buffers RETURNING rows, and reading in raw (array) mode skips building keyed objects.
 */
export const SELECT_JOBS_BY_IDS = `SELECT ${JOB_COLUMNS} FROM jobs WHERE id IN ${IDS} ORDER BY id`

/** Copies jobs into the outcome log, with what they send (used by complete, reschedule, deadLetter). */
export const LOG_JOB_OUTCOMES = `
INSERT INTO outcomes (at, outcome, destination_id, mapping_id, action, event_id, message_id, user_key, job_id,
                      status_code, error_code, error_message, payload)
SELECT @at, @outcome, destination_id, mapping_id, action, event_id, message_id, ordering_key, id,
       @statusCode, @errorCode, @errorMessage, payload
FROM jobs WHERE id IN ${IDS}`

export const DELETE_JOBS = `DELETE FROM jobs WHERE id IN ${IDS}`

export const RESCHEDULE_JOBS = `
UPDATE jobs SET run_at = @runAt, last_error = @lastError, locked_by = NULL, locked_until = NULL
WHERE id IN ${IDS}`

export const RELEASE_JOBS = `
UPDATE jobs SET locked_by = NULL, locked_until = NULL, attempts = MAX(attempts - 1, 0)
WHERE id IN ${IDS} AND locked_by IS NOT NULL`

export const MOVE_JOBS_TO_DEAD_LETTERS = `
INSERT INTO dead_letters (job_id, destination_id, endpoint, mapping_id, event_id, message_id, action, ordering_key,
                          is_barrier, batch_key, payload, attempts, first_enqueued_at, last_error,
                          reason, code, status_code, dead_at)
SELECT id, destination_id, endpoint, mapping_id, event_id, message_id, action, ordering_key,
       is_barrier, batch_key, payload, attempts, first_enqueued_at, last_error,
       @reason, @code, @statusCode, @at
FROM jobs WHERE id IN ${IDS} ORDER BY id`

export const RECLAIM_EXPIRED = `
UPDATE jobs SET locked_by = NULL, locked_until = NULL
WHERE locked_until IS NOT NULL AND locked_until <= @now`

export const LIST_QUEUES = `SELECT DISTINCT destination_id, endpoint FROM jobs ORDER BY destination_id, endpoint`

export const QUEUE_STATS = `
SELECT destination_id, endpoint,
       COUNT(*) AS depth,
       SUM(CASE WHEN run_at <= @now AND (locked_until IS NULL OR locked_until <= @now) THEN 1 ELSE 0 END) AS ready,
       SUM(CASE WHEN locked_until > @now THEN 1 ELSE 0 END) AS leased,
       MIN(first_enqueued_at) AS oldest_enqueued_at
FROM jobs
GROUP BY destination_id, endpoint
ORDER BY destination_id, endpoint`

/** The earliest time a job of the queue may be claimed: due unleased jobs, or leases ending. */
export const NEXT_RUN_AT = `
SELECT MIN(next) AS next_run_at FROM (
  SELECT MIN(run_at) AS next FROM jobs INDEXED BY jobs_ready
  WHERE destination_id = @destinationId AND endpoint = @endpoint AND locked_until IS NULL
    AND run_at < ${PARKED_RUN_AT}
  UNION ALL
  SELECT MIN(MAX(run_at, locked_until)) FROM jobs INDEXED BY jobs_leased
  WHERE locked_until IS NOT NULL AND destination_id = @destinationId AND endpoint = @endpoint)`

/** Jobs of one queue waiting for a retry become due now; leased and parked jobs are left alone. */
export const EXPEDITE = `
UPDATE jobs SET run_at = @now
WHERE destination_id = @destinationId AND endpoint = @endpoint AND locked_until IS NULL
  AND run_at > @now AND run_at < ${PARKED_RUN_AT}`

export const SELECT_JOB = `SELECT * FROM jobs WHERE id = ?`

/** Open jobs of some events (event lookup): a scan of the queue, which holds only open work. */
export const SELECT_JOBS_OF_EVENTS = `SELECT * FROM jobs WHERE event_id IN ${IDS} ORDER BY id`
