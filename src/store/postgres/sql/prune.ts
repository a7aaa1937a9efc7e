// Retention statements (PostgreSQL). Deletes run in chunks ($1 rows) so that no single statement
// holds locks on a huge number of rows. Events after the keep-after id are the undelivered part of
// the queue: never pruned.

/** $2 cutoff, $3 keep after. */
export const CHUNK_DELETE_EVENTS_BEFORE = `
DELETE FROM events WHERE id IN (SELECT id FROM events WHERE received_at < $2 AND id <= $3 LIMIT $1)`

/** $2 max id, $3 keep after. */
export const CHUNK_DELETE_EVENTS_UP_TO_ID = `
DELETE FROM events WHERE id IN (SELECT id FROM events WHERE id <= $2 AND id <= $3 LIMIT $1)`

/** The newest event id whose deletion (with everything older) brings the total size under $1. */
export const EVENTS_SIZE_CUTOFF_ID = `
SELECT id FROM (SELECT id, SUM(size) OVER (ORDER BY id DESC) AS newer_total FROM events) AS t
WHERE newer_total > $1 ORDER BY id DESC LIMIT 1`

/** Keys past both the dedupe window and the event retention ($2), except those of events still kept (after $3). */
export const CHUNK_DELETE_DEDUPE_KEYS = `
DELETE FROM dedupe_keys WHERE (message_id, source_id) IN (
  SELECT message_id, source_id FROM dedupe_keys
  WHERE seen_at <= $2 AND (event_id IS NULL OR event_id <= $3) LIMIT $1)`

/** Keys past the dedupe window ($2) whose event the size cap removed (event_id <= $3). */
export const CHUNK_DELETE_DEDUPE_KEYS_OF_PRUNED_EVENTS = `
DELETE FROM dedupe_keys WHERE (message_id, source_id) IN (
  SELECT message_id, source_id FROM dedupe_keys WHERE seen_at <= $2 AND event_id <= $3 LIMIT $1)`

/**
 * Revisions no stored event carries, except the latest (in force now). Candidates are those older
 * than the oldest event's (cheap); each is then checked against every event, because several nodes
 * may stamp events with an older revision for a while after another node saved a newer one. A
 * candidate usually has no event, so it costs one scan of events once in its life.
 */
export const DELETE_UNUSED_REVISIONS = `
DELETE FROM config_revisions AS r
WHERE r.revision < COALESCE((SELECT revision FROM events ORDER BY id LIMIT 1), 9223372036854775807)
  AND r.revision < (SELECT MAX(revision) FROM config_revisions)
  AND NOT EXISTS (SELECT 1 FROM events AS e WHERE e.revision = r.revision)`

/** $2 cutoff. */
export const CHUNK_DELETE_OUTCOMES_BEFORE = `
DELETE FROM outcomes WHERE id IN (SELECT id FROM outcomes WHERE at < $2 LIMIT $1)`

export const OUTCOMES_ROWS_CUTOFF_ID = `SELECT id FROM outcomes ORDER BY id DESC LIMIT 1 OFFSET $1`

/** $2 max id. */
export const CHUNK_DELETE_OUTCOMES_UP_TO_ID = `
DELETE FROM outcomes WHERE id IN (SELECT id FROM outcomes WHERE id <= $2 LIMIT $1)`

/** A few rows per minute: one statement (bucket_start leads the primary key). $1 cutoff. */
export const DELETE_OUTCOME_COUNTS_BEFORE = `DELETE FROM outcome_counts WHERE bucket_start < $1`

/** $2 cutoff. */
export const CHUNK_DELETE_ATTEMPTS_BEFORE = `
DELETE FROM attempts WHERE id IN (SELECT id FROM attempts WHERE at < $2 LIMIT $1)`

export const ATTEMPTS_ROWS_CUTOFF_ID = `SELECT id FROM attempts ORDER BY id DESC LIMIT 1 OFFSET $1`

export const ATTEMPTS_BYTES_CUTOFF_ID = `
SELECT id FROM (SELECT id, SUM(bytes) OVER (ORDER BY id DESC) AS newer_total FROM attempts) AS t
WHERE newer_total > $1 ORDER BY id DESC LIMIT 1`

/** $2 max id. */
export const CHUNK_DELETE_ATTEMPTS_UP_TO_ID = `
DELETE FROM attempts WHERE id IN (SELECT id FROM attempts WHERE id <= $2 LIMIT $1)`
