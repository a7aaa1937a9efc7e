// Ingest statements (SQLite), run in one transaction per request.

/** Claims a dedupe key: changes = 1 when new or when the previous sighting is outside the window. */
export const CLAIM_DEDUPE_KEY = `
INSERT INTO dedupe_keys (source_id, message_id, seen_at) VALUES (@sourceId, @messageId, @seenAt)
ON CONFLICT (source_id, message_id) DO UPDATE SET seen_at = excluded.seen_at
WHERE dedupe_keys.seen_at <= @cutoff`

export const INSERT_EVENT = `
INSERT INTO events (source_id, message_id, received_at, size, user_key, body)
VALUES (@sourceId, @messageId, @receivedAt, @size, @userKey, @body)`

export const INSERT_JOB = `
INSERT INTO jobs (destination_id, endpoint, mapping_id, event_id, message_id, action, ordering_key,
                  is_barrier, batch_key, payload, run_at, first_enqueued_at)
VALUES (@destinationId, @endpoint, @mappingId, @eventId, @messageId, @action, @orderingKey,
        @isBarrier, @batchKey, @payload, @runAt, @now)`

export const INSERT_OUTCOME = `
INSERT INTO outcomes (at, outcome, destination_id, mapping_id, action, event_id, message_id, user_key, job_id,
                      status_code, error_code, error_message)
VALUES (@at, @outcome, @destinationId, @mappingId, @action, @eventId, @messageId, @userKey, @jobId,
        @statusCode, @errorCode, @errorMessage)`
