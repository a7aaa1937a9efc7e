// Queue statements (PostgreSQL). Each operation is ONE statement: data-modifying CTEs move jobs and
// write the outcome log together. Job id lists are bigint[] parameters.

/**
 * Claim: the first $4 ready jobs of queue ($1, $2) in order of readiness (run_at, id), skipping rows another claimer has
 * locked (FOR UPDATE SKIP LOCKED), so concurrent claimers never share a job. A non-barrier job with
 * an orderingKey waits while an EARLIER barrier job for the same destination and key is pending.
 * $3 now, $5 worker id, $6 lease end.
 */
export const CLAIM_JOBS = `
WITH ready AS (
  SELECT j.id FROM jobs AS j
  WHERE j.destination_id = $1 AND j.endpoint = $2
    AND j.run_at <= $3
    AND (j.locked_until IS NULL OR j.locked_until <= $3)
    AND (j.is_barrier OR j.ordering_key IS NULL OR NOT EXISTS (
      SELECT 1 FROM jobs AS b
      WHERE b.destination_id = j.destination_id AND b.ordering_key = j.ordering_key
        AND b.is_barrier AND b.id < j.id))
  ORDER BY j.run_at, j.id
  LIMIT $4
  FOR UPDATE SKIP LOCKED
)
UPDATE jobs SET locked_by = $5, locked_until = $6, attempts = jobs.attempts + 1
FROM ready WHERE jobs.id = ready.id
RETURNING jobs.*`

/** The outcome log's columns as the job-moving statements below fill them (payload: what was sent). */
const LOG_COLUMNS = `at, outcome, destination_id, mapping_id, action, event_id, message_id, user_key, job_id,
                      status_code, error_code, error_message, payload`

/** $1 ids, $2 at, $3 status code. */
export const COMPLETE_JOBS = `
WITH done AS (DELETE FROM jobs WHERE id = ANY($1::bigint[]) RETURNING *)
INSERT INTO outcomes (${LOG_COLUMNS})
SELECT $2, 'delivered', destination_id, mapping_id, action, event_id, message_id, ordering_key, id,
       $3::integer, NULL, NULL, payload
FROM done`

/** $1 ids, $2 at, $3 run_at, $4 status code, $5 error code, $6 error message. */
export const RESCHEDULE_JOBS = `
WITH moved AS (
  UPDATE jobs SET run_at = $3, last_error = $6, locked_by = NULL, locked_until = NULL
  WHERE id = ANY($1::bigint[]) RETURNING *
)
INSERT INTO outcomes (${LOG_COLUMNS})
SELECT $2, 'retrying', destination_id, mapping_id, action, event_id, message_id, ordering_key, id,
       $4::integer, $5::text, $6::text, payload
FROM moved`

export const RELEASE_JOBS = `
UPDATE jobs SET locked_by = NULL, locked_until = NULL, attempts = GREATEST(attempts - 1, 0)
WHERE id = ANY($1::bigint[]) AND locked_by IS NOT NULL`

/** $1 ids, $2 at, $3 reason, $4 code, $5 status code. */
export const DEAD_LETTER_JOBS = `
WITH dead AS (DELETE FROM jobs WHERE id = ANY($1::bigint[]) RETURNING *),
logged AS (
  INSERT INTO outcomes (${LOG_COLUMNS})
  SELECT $2, 'dead', destination_id, mapping_id, action, event_id, message_id, ordering_key, id,
         $5::integer, $4::text, $3::text, payload
  FROM dead
)
INSERT INTO dead_letters (job_id, destination_id, endpoint, mapping_id, event_id, message_id, action, ordering_key,
                          is_barrier, batch_key, payload, attempts, first_enqueued_at, last_error,
                          reason, code, status_code, dead_at)
SELECT id, destination_id, endpoint, mapping_id, event_id, message_id, action, ordering_key,
       is_barrier, batch_key, payload, attempts, first_enqueued_at, last_error,
       $3, $4, $5::integer, $2
FROM dead ORDER BY id`

export const RECLAIM_EXPIRED = `
UPDATE jobs SET locked_by = NULL, locked_until = NULL
WHERE locked_until IS NOT NULL AND locked_until <= $1`

export const LIST_QUEUES = `SELECT DISTINCT destination_id, endpoint FROM jobs ORDER BY destination_id, endpoint`

export const QUEUE_STATS = `
SELECT destination_id, endpoint,
       COUNT(*) AS depth,
       COUNT(*) FILTER (WHERE run_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)) AS ready,
       COUNT(*) FILTER (WHERE locked_until > $1) AS leased,
       MIN(first_enqueued_at) AS oldest_enqueued_at
FROM jobs
GROUP BY destination_id, endpoint
ORDER BY destination_id, endpoint`

export const NEXT_RUN_AT = `
SELECT MIN(CASE WHEN locked_until IS NULL THEN run_at ELSE GREATEST(run_at, locked_until) END) AS next_run_at
FROM jobs WHERE destination_id = $1 AND endpoint = $2`

/** Jobs of queue ($1, $2) waiting for a retry become due at $3 (leased ones are left alone). */
export const EXPEDITE = `
UPDATE jobs SET run_at = $3
WHERE destination_id = $1 AND endpoint = $2 AND locked_until IS NULL AND run_at > $3`

export const SELECT_JOB = `SELECT * FROM jobs WHERE id = $1`

/** Open jobs of some events ($1 bigint[]; event lookup): a scan of the queue, which holds only open work. */
export const SELECT_JOBS_OF_EVENTS = `SELECT * FROM jobs WHERE event_id = ANY($1::bigint[]) ORDER BY id`
