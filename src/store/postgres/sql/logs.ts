// Outcome log, event lookup and attempts log statements (PostgreSQL).

/** $1 from, $2 to, $3 bucket ms, $4 destination (or null). */
export const OUTCOME_COUNTS = `
SELECT (at / $3::bigint) * $3::bigint AS bucket_start, destination_id, mapping_id, action, outcome, COUNT(*) AS count
FROM outcomes
WHERE at >= $1 AND at < $2 AND ($4::text IS NULL OR destination_id = $4)
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5`

/** Through the dedupe keys, which index events by messageId. */
export const SELECT_EVENTS_BY_MESSAGE = `
SELECT e.* FROM dedupe_keys AS d JOIN events AS e ON e.id = d.event_id AND e.message_id = d.message_id WHERE d.message_id = $1 ORDER BY e.id`

export const SELECT_OUTCOMES_OF_EVENTS = `SELECT * FROM outcomes WHERE event_id = ANY($1::bigint[]) ORDER BY id`

/** Unindexed on purpose (a random-key index slows every ingest): a scan of the size-capped table. */
export const SELECT_EVENTS_BY_USER = `SELECT * FROM events WHERE user_key = $1 ORDER BY id DESC LIMIT $2`

/** First and last id of a time range ($1 from, $2 to): one range read of events_by_time. */
export const EVENT_ID_RANGE = `
SELECT MIN(id) AS first_id, MAX(id) AS last_id FROM events WHERE received_at >= $1 AND received_at < $2`

/** A page of a time range by id: $1 from, $2 to, $3 source id (or null), $4 after id, $5 last id, $6 limit. */
export const SELECT_EVENTS_IN_RANGE = `
SELECT * FROM events
WHERE id > $4 AND id <= $5
  AND received_at >= $1 AND received_at < $2
  AND ($3::text IS NULL OR source_id = $3)
ORDER BY id
LIMIT $6`

/** Newest first; $1 destination, $2 outcome, $3 message id, $4 job id, $5 before id (each may be null), $6 limit. */
export const SELECT_OUTCOMES = `
SELECT * FROM outcomes
WHERE ($1::text IS NULL OR destination_id = $1)
  AND ($2::text IS NULL OR outcome = $2)
  AND ($3::text IS NULL OR message_id = $3)
  AND ($4::bigint IS NULL OR job_id = $4)
  AND ($5::bigint IS NULL OR id < $5)
ORDER BY id DESC
LIMIT $6`

export const INSERT_ATTEMPT = `
INSERT INTO attempts (at, destination_id, endpoint, request_body, response_status, response_body, duration_ms,
                      job_count, error, bytes)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
RETURNING id`

/** $1 destination, $2 endpoint, $3 before id (each may be null), $4 limit. */
export const SELECT_ATTEMPTS = `
SELECT * FROM attempts
WHERE ($1::text IS NULL OR destination_id = $1)
  AND ($2::text IS NULL OR endpoint = $2)
  AND ($3::bigint IS NULL OR id < $3)
ORDER BY id DESC
LIMIT $4`
