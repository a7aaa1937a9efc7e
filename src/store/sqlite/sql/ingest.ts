// Ingest and event-log statements (SQLite). The hot ones take positional parameters: binding an
// array is cheaper than binding named properties of an object.

/**
 * Claims a dedupe key and points it at the event id the insert below will get (the transaction is
 * the only writer, so ids are predictable; the store checks the prediction and rolls back if not).
 * $1 message id, $2 source, $3 seen_at, $4 event id, $5 cutoff.
 */
export const CLAIM_DEDUPE_KEY = `
INSERT INTO dedupe_keys (message_id, source_id, seen_at, event_id) VALUES (?, ?, ?, ?)
ON CONFLICT (message_id, source_id) DO UPDATE SET seen_at = excluded.seen_at, event_id = excluded.event_id
WHERE dedupe_keys.seen_at <= ?`

/** The last event id handed out (AUTOINCREMENT: the next one is this + 1); one writer, so also the log head. */
export const LAST_EVENT_ID = `
SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0),
           COALESCE((SELECT MAX(id) FROM events), 0)) AS id`

/** Multi-row inserts (see BatchInsert): the head, then 9 placeholders per row. */
export const INSERT_EVENTS_HEAD = `
INSERT INTO events (source_id, message_id, received_at, size, user_key, body, revision, destination_id, replay_of)`
export const EVENT_COLUMNS = 9

/** The columns of a stored event, in the order rowToEvent and rawRowToEvent read them. */
const EVENT_FIELDS = `id, source_id, message_id, received_at, size, user_key, body, revision, destination_id, replay_of`

/** The log after a cursor, in id order (raw mode: arrays, the cheapest read). */
export const READ_LOG = `SELECT ${EVENT_FIELDS} FROM events WHERE id > ? ORDER BY id LIMIT ?`
