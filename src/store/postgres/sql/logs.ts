// Outcome counters, item history, event lookups and the attempts log (PostgreSQL).

/** Per-minute counters summed into buckets of $3 ms (whole minutes); $1 from, $2 to, $4 destination or null. */
export const OUTCOME_COUNTS = `
SELECT (bucket_start / $3::bigint) * $3::bigint AS bucket_start, destination_id, NULLIF(mapping_id, '') AS mapping_id,
       action, outcome, SUM(count) AS count
FROM outcome_counts
WHERE bucket_start >= $1 AND bucket_start < $2 AND ($4::text IS NULL OR destination_id = $4)
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3 NULLS FIRST, 4, 5 -- as SQLite orders them`

/** Through the dedupe keys, which index events by messageId; then the replayed copies of those. */
export const SELECT_EVENTS_BY_MESSAGE = `
WITH originals AS (
  SELECT e.* FROM dedupe_keys AS d JOIN events AS e ON e.id = d.event_id AND e.message_id = d.message_id
  WHERE d.message_id = $1)
SELECT * FROM originals
UNION ALL
SELECT * FROM events WHERE replay_of IN (SELECT id FROM originals)
ORDER BY id`

/** Of the given event ids ($1 bigint[]). */
export const SELECT_OUTCOMES_OF_EVENTS = `SELECT * FROM outcomes WHERE event_id = ANY($1::bigint[]) ORDER BY id`
export const SELECT_PARKED_OF_EVENTS = `
SELECT * FROM parked_items WHERE event_id = ANY($1::bigint[]) ORDER BY position, id`
export const SELECT_DEAD_LETTERS_OF_EVENTS = `SELECT * FROM dead_letters WHERE event_id = ANY($1::bigint[]) ORDER BY id`

/**
 * Requests whose range of events covers one of the events ($1 bigint[]): those sent soon after it
 * was read are near it in last_event_id order (the caller checks the exact list).
 */
export const SELECT_ATTEMPTS_AROUND_EVENTS = `
SELECT a.* FROM unnest($1::bigint[]) AS e(id)
CROSS JOIN LATERAL (
  SELECT * FROM attempts WHERE last_event_id >= e.id AND first_event_id <= e.id ORDER BY last_event_id LIMIT 200
) AS a`

export const SELECT_CURSOR_POSITIONS = `SELECT destination_id, position FROM delivery_cursors ORDER BY destination_id`

/** Unindexed on purpose (a random-key index slows every ingest): a scan of the size-capped table. */
export const SELECT_EVENTS_BY_USER = `SELECT * FROM events WHERE user_key = $1 ORDER BY id DESC LIMIT $2`

export const SELECT_RECENT_EVENTS = `SELECT * FROM events ORDER BY id DESC LIMIT $1`

/** First and last id of a time range ($1 from, $2 to): one range read of events_by_time. */
export const EVENT_ID_RANGE = `
SELECT MIN(id) AS first_id, MAX(id) AS last_id FROM events WHERE received_at >= $1 AND received_at < $2`

/** A page of a time range by id: $1 from, $2 to, $3 source id (or null), $4 after id, $5 last id, $6 limit. */
export const SELECT_EVENTS_IN_RANGE = `
SELECT * FROM events
WHERE id > $4 AND id <= $5
  AND received_at >= $1 AND received_at < $2
  AND ($3::text IS NULL OR source_id = $3)
  AND replay_of IS NULL
ORDER BY id
LIMIT $6`

/** Newest first; $1 destination, $2 outcome, $3 message id, $4 before id (each may be null), $5 limit. */
export const SELECT_OUTCOMES = `
SELECT * FROM outcomes
WHERE ($1::text IS NULL OR destination_id = $1)
  AND ($2::text IS NULL OR outcome = $2)
  AND ($3::text IS NULL OR message_id = $3)
  AND ($4::bigint IS NULL OR id < $4)
ORDER BY id DESC
LIMIT $5`

/** $1 destination, $2 endpoint, $3 before id (each may be null), $4 limit. */
export const SELECT_ATTEMPTS = `
SELECT * FROM attempts
WHERE ($1::text IS NULL OR destination_id = $1)
  AND ($2::text IS NULL OR endpoint = $2)
  AND ($3::bigint IS NULL OR id < $3)
ORDER BY id DESC
LIMIT $4`

/** A user's events ($1 user key) and what was recorded about them (the right to be forgotten). */
export const DELETE_EVENTS_OF_USER = `
WITH gone AS (DELETE FROM events WHERE user_key = $1 RETURNING id),
history AS (DELETE FROM outcomes WHERE event_id IN (SELECT id FROM gone))
SELECT COUNT(*) AS n FROM gone`
