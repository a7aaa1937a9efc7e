// Ingest statements (SQLite), run in one transaction per request. The hot ones take positional
// parameters: binding an array is cheaper than binding named properties of an object.

/** Claims a dedupe key: changes = 1 when new or when the previous sighting is outside the window. */
/**
 * Claims a dedupe key and points it at the event id the insert below will get (the transaction is
 * the only writer, so ids are predictable; the store checks the prediction and rolls back if not).
 * $1 message id, $2 source, $3 seen_at, $4 event id, $5 cutoff.
 */
export const CLAIM_DEDUPE_KEY = `
INSERT INTO dedupe_keys (message_id, source_id, seen_at, event_id) VALUES (?, ?, ?, ?)
ON CONFLICT (message_id, source_id) DO UPDATE SET seen_at = excluded.seen_at, event_id = excluded.event_id
WHERE dedupe_keys.seen_at <= ?`

/** The last event id handed out (AUTOINCREMENT: the next one is this + 1). */
export const LAST_EVENT_ID = `
SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0),
           COALESCE((SELECT MAX(id) FROM events), 0)) AS id`

/** Multi-row inserts (see BatchInsert): the head, then 6 placeholders per row. */
export const INSERT_EVENTS_HEAD = `INSERT INTO events (source_id, message_id, received_at, size, user_key, body)`
export const EVENT_COLUMNS = 6

/** Multi-row inserts: the head, then 12 placeholders per row. */
export const INSERT_JOBS_HEAD = `
INSERT INTO jobs (destination_id, endpoint, mapping_id, event_id, message_id, action, ordering_key,
                  is_barrier, batch_key, payload, run_at, first_enqueued_at)`
export const JOB_COLUMNS = 12

export const INSERT_OUTCOME = `
INSERT INTO outcomes (at, outcome, destination_id, mapping_id, action, event_id, message_id, user_key, job_id,
                      status_code, error_code, error_message)
VALUES (@at, @outcome, @destinationId, @mappingId, @action, @eventId, @messageId, @userKey, @jobId,
        @statusCode, @errorCode, @errorMessage)`
