// Outcome log, event lookup and attempts log statements (SQLite).

export const OUTCOME_COUNTS = `
SELECT (at / CAST(@bucketMs AS INTEGER)) * CAST(@bucketMs AS INTEGER) AS bucket_start, destination_id, mapping_id, action, outcome, COUNT(*) AS count
FROM outcomes
WHERE at >= @from AND at < @to AND (@destinationId IS NULL OR destination_id = @destinationId)
GROUP BY bucket_start, destination_id, mapping_id, action, outcome
ORDER BY bucket_start, destination_id, mapping_id, action, outcome`

export const SELECT_EVENTS_BY_MESSAGE = `SELECT * FROM events WHERE message_id = ? ORDER BY id`
export const SELECT_OUTCOMES_BY_MESSAGE = `SELECT * FROM outcomes WHERE message_id = ? ORDER BY id`
export const SELECT_EVENTS_BY_USER = `SELECT * FROM events WHERE user_key = ? ORDER BY id DESC LIMIT ?`

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
