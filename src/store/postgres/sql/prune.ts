// Retention statements (PostgreSQL). Deletes run in chunks ($2 rows) so that no single
// statement holds locks on a huge number of rows.

export const CHUNK_DELETE_EVENTS_BEFORE = `
DELETE FROM events WHERE id IN (SELECT id FROM events WHERE received_at < $1 LIMIT $2)`

export const CHUNK_DELETE_EVENTS_UP_TO_ID = `
DELETE FROM events WHERE id IN (SELECT id FROM events WHERE id <= $1 LIMIT $2)`

/** The newest event id whose deletion (with everything older) brings the total size under $1. */
export const EVENTS_SIZE_CUTOFF_ID = `
SELECT id FROM (SELECT id, SUM(size) OVER (ORDER BY id DESC) AS newer_total FROM events) AS t
WHERE newer_total > $1 ORDER BY id DESC LIMIT 1`

/** Keys past both the dedupe window and the event retention. */
export const CHUNK_DELETE_DEDUPE_KEYS = `
DELETE FROM dedupe_keys WHERE (message_id, source_id) IN (
  SELECT message_id, source_id FROM dedupe_keys WHERE seen_at <= $1 LIMIT $2)`

/** Keys past the dedupe window ($1) whose event the size cap removed (event_id <= $3). */
export const CHUNK_DELETE_DEDUPE_KEYS_OF_PRUNED_EVENTS = `
DELETE FROM dedupe_keys WHERE (message_id, source_id) IN (
  SELECT message_id, source_id FROM dedupe_keys WHERE seen_at <= $1 AND event_id <= $3 LIMIT $2)`

export const CHUNK_DELETE_OUTCOMES_BEFORE = `
DELETE FROM outcomes WHERE id IN (SELECT id FROM outcomes WHERE at < $1 LIMIT $2)`

export const OUTCOMES_ROWS_CUTOFF_ID = `SELECT id FROM outcomes ORDER BY id DESC LIMIT 1 OFFSET $1`

export const CHUNK_DELETE_OUTCOMES_UP_TO_ID = `
DELETE FROM outcomes WHERE id IN (SELECT id FROM outcomes WHERE id <= $1 LIMIT $2)`

export const ATTEMPTS_ROWS_CUTOFF_ID = `SELECT id FROM attempts ORDER BY id DESC LIMIT 1 OFFSET $1`

export const ATTEMPTS_BYTES_CUTOFF_ID = `
SELECT id FROM (SELECT id, SUM(bytes) OVER (ORDER BY id DESC) AS newer_total FROM attempts) AS t
WHERE newer_total > $1 ORDER BY id DESC LIMIT 1`

export const DELETE_ATTEMPTS_UP_TO_ID = `DELETE FROM attempts WHERE id <= $1`
