// Outcome counters, item history, event lookups and the attempts log (SQLite).

/** Per-minute counters summed into buckets of @bucketMs (a whole number of minutes). */
export const OUTCOME_COUNTS = `
SELECT (bucket_start / CAST(@bucketMs AS INTEGER)) * CAST(@bucketMs AS INTEGER) AS bucket_start, destination_id,
       NULLIF(mapping_id, '') AS mapping_id, action, outcome, SUM(count) AS count
FROM outcome_counts
WHERE bucket_start >= @from AND bucket_start < @to AND (@destinationId IS NULL OR destination_id = @destinationId)
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5`

/** Through the dedupe keys, which index events by messageId; then the replayed copies of those. */
export const SELECT_EVENTS_BY_MESSAGE = `
WITH originals AS (
  SELECT e.* FROM dedupe_keys AS d JOIN events AS e ON e.id = d.event_id AND e.message_id = d.message_id
  WHERE d.message_id = ?)
SELECT * FROM originals
UNION ALL
SELECT * FROM events WHERE replay_of IN (SELECT id FROM originals)
ORDER BY id`

/** Outcomes of the given event ids (JSON array). */
export const SELECT_OUTCOMES_OF_EVENTS = `
SELECT * FROM outcomes WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY id`

export const SELECT_PARKED_OF_EVENTS = `
SELECT * FROM parked_items WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY position, id`

export const SELECT_DEAD_LETTERS_OF_EVENTS = `
SELECT * FROM dead_letters WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY id`

/**
 * Requests whose range of events covers an event: those sent soon after it was read are near it in
 * last_event_id order (the caller checks the exact list). Retries far later are in the outcome log.
 */
export const SELECT_ATTEMPTS_AROUND_EVENT = `
SELECT * FROM attempts WHERE last_event_id >= @eventId AND first_event_id <= @eventId
ORDER BY last_event_id LIMIT 200`

/** Unindexed on purpose (a random-key index slows every ingest): a scan of the size-capped table. */
export const SELECT_EVENTS_BY_USER = `SELECT * FROM events WHERE user_key = ? ORDER BY id DESC LIMIT ?`

export const SELECT_RECENT_EVENTS = `SELECT * FROM events ORDER BY id DESC LIMIT ?`

/** First and last id of a time range: a range read of events_by_time (it covers id). */
export const EVENT_ID_RANGE = `
SELECT MIN(id) AS first_id, MAX(id) AS last_id FROM events INDEXED BY events_by_time
WHERE received_at >= @from AND received_at < @to`

/**
 * A page of a time range by id, replayed copies left out (their original is what a replay sends
 * again) (rowid range; the unary + keeps SQLite from switching to the time
 * index, which would read the whole range and sort it for every page).
 */
export const SELECT_EVENTS_IN_RANGE = `
SELECT * FROM events
WHERE id > @afterId AND id <= @lastId
  AND +received_at >= @from AND +received_at < @to
  AND (@sourceId IS NULL OR source_id = @sourceId)
  AND replay_of IS NULL
ORDER BY id
LIMIT @limit`

/** Newest first; every filter optional. Scans from the newest row, so keep `limit` small. */
export const SELECT_OUTCOMES = `
SELECT * FROM outcomes
WHERE (@destinationId IS NULL OR destination_id = @destinationId)
  AND (@outcome IS NULL OR outcome = @outcome)
  AND (@messageId IS NULL OR message_id = @messageId)
  AND (@before IS NULL OR id < @before)
ORDER BY id DESC
LIMIT @limit`

export const SELECT_ATTEMPTS = `
SELECT * FROM attempts
WHERE (@destinationId IS NULL OR destination_id = @destinationId)
  AND (@endpoint IS NULL OR endpoint = @endpoint)
  AND (@before IS NULL OR id < @before)
ORDER BY id DESC
LIMIT @limit`

/** A user's events and what was recorded about them (the right to be forgotten). */
export const DELETE_OUTCOMES_OF_USER_EVENTS = `
DELETE FROM outcomes WHERE event_id IN (SELECT id FROM events WHERE user_key = ?)`
export const DELETE_EVENTS_OF_USER = `DELETE FROM events WHERE user_key = ?`
