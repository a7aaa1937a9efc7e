// Delivery statements (SQLite): each destination's cursor and lease, its parked items, and what a
// flush of its progress writes.

export const SELECT_CURSOR = `SELECT * FROM delivery_cursors WHERE destination_id = ?`

export const INSERT_CURSOR = `
INSERT INTO delivery_cursors (destination_id, position, owner, lease_until, updated_at, project)
VALUES (@destinationId, @position, @owner, @leaseUntil, @now, @project)`

/** Takes or renews the lease; changes = 0 when another owner holds an unexpired one (unless forced). */
export const TAKE_LEASE = `
UPDATE delivery_cursors SET owner = @owner, lease_until = @leaseUntil, updated_at = @now, project = @project
WHERE destination_id = @destinationId
  AND (@force = 1 OR owner IS NULL OR owner = @owner OR lease_until IS NULL OR lease_until <= @now)`

/** Another owner's unexpired lease on a destination of the project (one owner sends for a project). */
export const PROJECT_HELD = `
SELECT 1 FROM delivery_cursors
WHERE project = @project AND destination_id <> @destinationId AND owner <> @owner AND lease_until > @now
LIMIT 1`

export const RENEW_LEASE = `
UPDATE delivery_cursors SET lease_until = @leaseUntil, updated_at = @now
WHERE destination_id = @destinationId AND owner = @owner`

export const DROP_LEASE = `
UPDATE delivery_cursors SET owner = NULL, lease_until = NULL WHERE destination_id = ? AND owner = ?`

/** The fence of every flush: moves the cursor (or keeps it) only for the lease holder. */
export const ADVANCE_CURSOR = `
UPDATE delivery_cursors SET position = MAX(position, COALESCE(@position, position)), updated_at = @now
WHERE destination_id = @destinationId AND owner = @owner`

export const SELECT_PARKED = `SELECT * FROM parked_items WHERE destination_id = ? ORDER BY position, id`

/** Dead letters and refusals beyond the cursor: a re-read of the log must not redo them. */
export const SELECT_SETTLED_AFTER = `
SELECT event_id, ordinal FROM outcomes
WHERE event_id > @cursor AND destination_id = @destinationId AND ordinal IS NOT NULL
  AND outcome IN ('failed', 'dead')`

export const UPSERT_PARKED = `
INSERT INTO parked_items (destination_id, event_id, ordinal, position, message_id, mapping_id, action, lane,
                          ordering_keys, payload, attempts, first_enqueued_at, run_at, held, waiting_for_user,
                          last_error, status_code, error_code)
VALUES (@destinationId, @eventId, @ordinal, @position, @messageId, @mappingId, @action, @lane, @keys, @payload,
        @attempts, @firstEnqueuedAt, @runAt, @held, @waitingForUser, @lastError, @statusCode, @errorCode)
ON CONFLICT (destination_id, event_id, ordinal) DO UPDATE SET
  attempts = excluded.attempts, run_at = excluded.run_at, held = excluded.held,
  waiting_for_user = excluded.waiting_for_user, last_error = excluded.last_error,
  status_code = excluded.status_code, error_code = excluded.error_code`

export const DELETE_PARKED = `DELETE FROM parked_items WHERE destination_id = ? AND event_id = ? AND ordinal = ?`

export const INSERT_DEAD_LETTER = `
INSERT INTO dead_letters (destination_id, event_id, ordinal, message_id, mapping_id, action, lane, ordering_keys,
                          payload, attempts, first_enqueued_at, last_error, reason, code, status_code, dead_at, field)
VALUES (@destinationId, @eventId, @ordinal, @messageId, @mappingId, @action, @lane, @keys, @payload, @attempts,
        @firstEnqueuedAt, @lastError, @reason, @code, @statusCode, @deadAt, @field)`

export const INSERT_OUTCOME = `
INSERT INTO outcomes (at, outcome, destination_id, mapping_id, action, event_id, ordinal, message_id, user_key,
                      status_code, error_code, error_message, payload)
VALUES (@at, @outcome, @destinationId, @mappingId, @action, @eventId, @ordinal, @messageId, @userKey,
        @statusCode, @errorCode, @errorMessage, @payload)`

export const ADD_OUTCOME_COUNT = `
INSERT INTO outcome_counts (bucket_start, destination_id, mapping_id, action, outcome, count)
VALUES (@bucketStart, @destinationId, @mappingId, @action, @outcome, @count)
ON CONFLICT (bucket_start, destination_id, mapping_id, action, outcome) DO UPDATE SET count = count + excluded.count`

export const INSERT_ATTEMPT = `
INSERT INTO attempts (at, destination_id, endpoint, request_body, response_status, response_body, duration_ms,
                      job_count, error, bytes, first_event_id, last_event_id, event_ids)
VALUES (@at, @destinationId, @endpoint, @requestBody, @responseStatus, @responseBody, @durationMs,
        @jobCount, @error, @bytes, @firstEventId, @lastEventId, @eventIds)`

export const SELECT_CURSORS = `SELECT * FROM delivery_cursors ORDER BY destination_id`

export const SELECT_PARKED_STATS = `
SELECT destination_id, lane, SUM(held = 0) AS retrying, SUM(held) AS held, MIN(first_enqueued_at) AS oldest
FROM parked_items GROUP BY destination_id, lane ORDER BY destination_id, lane`

/** The first event after a cursor: how old the oldest undelivered event is. */
export const SELECT_FIRST_AFTER = `SELECT received_at FROM events WHERE id > ? ORDER BY id LIMIT 1`

export const DELETE_CURSOR = `DELETE FROM delivery_cursors WHERE destination_id = ?`
export const DELETE_PARKED_OF_DESTINATION = `DELETE FROM parked_items WHERE destination_id = ?`
