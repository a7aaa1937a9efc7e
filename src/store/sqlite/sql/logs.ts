// Outcome log, event lookup and attempts log statements (SQLite).

export const OUTCOME_COUNTS = `
SELECT (at / CAST(@bucketMs AS INTEGER)) * CAST(@bucketMs AS INTEGER) AS bucket_start, destination_id, mapping_id, action, outcome, COUNT(*) AS count
FROM outcomes
WHERE at >= @from AND at < @to AND (@destinationId IS NULL OR destination_id = @destinationId)
GROUP BY bucket_start, destination_id, mapping_id, action, outcome
ORDER BY bucket_start, destination_id, mapping_id, action, outcome`

/** Through the dedupe keys, which index events by messageId. */
export const SELECT_EVENTS_BY_MESSAGE = `
SELECT e.* FROM dedupe_keys AS d JOIN events AS e ON e.id = d.event_id AND e.message_id = d.message_id WHERE d.message_id = ? ORDER BY e.id`

/** Outcomes of the given event ids (JSON array). */
export const SELECT_OUTCOMES_OF_EVENTS = `
SELECT * FROM outcomes WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY id`

/** Unindexed on purpose (a random-key index slows every ingest): a scan of the size-capped table. */
export const SELECT_EVENTS_BY_USER = `SELECT * FROM events WHERE user_key = ? ORDER BY id DESC LIMIT ?`

/** First and last id of a time range: a range read of events_by_time (it covers id). */
export const EVENT_ID_RANGE = `
SELECT MIN(id) AS first_id, MAX(id) AS last_id FROM events INDEXED BY events_by_time
WHERE received_at >= @from AND received_at < @to`

/**
 * A page of a time range by id (rowid range; the unary + keeps SQLite from switching to the time
 * index, which would read the whole range and sort it for every page).
 */
export const SELECT_EVENTS_IN_RANGE = `
SELECT * FROM events
WHERE id > @afterId AND id <= @lastId
  AND +received_at >= @from AND +received_at < @to
  AND (@sourceId IS NULL OR source_id = @sourceId)
ORDER BY id
LIMIT @limit`

/** Newest first; every filter optional. Scans from the newest row, so keep `limit` small. */
export const SELECT_OUTCOMES = `
SELECT * FROM outcomes
WHERE (@destinationId IS NULL OR destination_id = @destinationId)
  AND (@outcome IS NULL OR outcome = @outcome)
  AND (@messageId IS NULL OR message_id = @messageId)
  AND (@jobId IS NULL OR job_id = @jobId)
  AND (@before IS NULL OR id < @before)
ORDER BY id DESC
LIMIT @limit`

export const INSERT_ATTEMPT = `
INSERT INTO attempts (at, destination_id, endpoint, request_body, response_status, response_body, duration_ms,
                      job_count, error, bytes)
VALUES (@at, @destinationId, @endpoint, @requestBody, @responseStatus, @responseBody, @durationMs,
        @jobCount, @error, @bytes)`

export const SELECT_ATTEMPTS = `
SELECT * FROM attempts
WHERE (@destinationId IS NULL OR destination_id = @destinationId)
  AND (@endpoint IS NULL OR endpoint = @endpoint)
  AND (@before IS NULL OR id < @before)
ORDER BY id DESC
LIMIT @limit`
