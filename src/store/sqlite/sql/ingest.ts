// Ingest statements (SQLite), run in one transaction per request. The hot ones take positional
// parameters: binding an array is cheaper than binding named properties of an object.

/** Claims a dedupe key: changes = 1 when new or when the previous sighting is outside the window. */
export const CLAIM_DEDUPE_KEY = `
INSERT INTO dedupe_keys (message_id, source_id, seen_at) VALUES (?, ?, ?)
ON CONFLICT (message_id, source_id) DO UPDATE SET seen_at = excluded.seen_at, event_id = NULL
WHERE dedupe_keys.seen_at <= ?`

/** Points a freshly claimed key at its stored event (the row is hot in cache: nearly free). */
export const LINK_DEDUPE_KEY = `UPDATE dedupe_keys SET event_id = ? WHERE message_id = ? AND source_id = ?`

export const INSERT_EVENT = `
INSERT INTO events (source_id, message_id, received_at, size, user_key, body) VALUES (?, ?, ?, ?, ?, ?)`

export const INSERT_JOB = `
INSERT INTO jobs (destination_id, endpoint, mapping_id, event_id, message_id, action, ordering_key,
                  is_barrier, batch_key, payload, run_at, first_enqueued_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

export const INSERT_OUTCOME = `
INSERT INTO outcomes (at, outcome, destination_id, mapping_id, action, event_id, message_id, user_key, job_id,
                      status_code, error_code, error_message)
VALUES (@at, @outcome, @destinationId, @mappingId, @action, @eventId, @messageId, @userKey, @jobId,
        @statusCode, @errorCode, @errorMessage)`
