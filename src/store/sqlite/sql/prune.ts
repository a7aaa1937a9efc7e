// Retention statements (SQLite). Deletes run in chunks of @chunk rows, each its own short
// transaction, so that a large prune never holds the write lock for long. Events after @keepAfter
// are the undelivered part of the queue: never pruned.

export const CHUNK_DELETE_EVENTS_BEFORE = `
DELETE FROM events WHERE id IN (
  SELECT id FROM events WHERE received_at < @cutoff AND id <= @keepAfter LIMIT @chunk)`

export const CHUNK_DELETE_EVENTS_UP_TO_ID = `
DELETE FROM events WHERE id IN (SELECT id FROM events WHERE id <= @maxId AND id <= @keepAfter LIMIT @chunk)`

/** The newest event id whose deletion (with everything older) brings the total size under the cap. */
export const EVENTS_SIZE_CUTOFF_ID = `
SELECT id FROM (SELECT id, SUM(size) OVER (ORDER BY id DESC) AS newer_total FROM events)
WHERE newer_total > @maxBytes ORDER BY id DESC LIMIT 1`

/** Keys past both the dedupe window and the event retention, except those of events still kept (after @keepAfter). */
export const CHUNK_DELETE_DEDUPE_KEYS = `
DELETE FROM dedupe_keys WHERE (message_id, source_id) IN (
  SELECT message_id, source_id FROM dedupe_keys
  WHERE seen_at <= @cutoff AND (event_id IS NULL OR event_id <= @keepAfter) LIMIT @chunk)`

/** Keys past the dedupe window whose event the size cap removed. */
export const CHUNK_DELETE_DEDUPE_KEYS_OF_PRUNED_EVENTS = `
DELETE FROM dedupe_keys WHERE (message_id, source_id) IN (
  SELECT message_id, source_id FROM dedupe_keys WHERE seen_at <= @cutoff AND event_id <= @maxId LIMIT @chunk)`

export const CHUNK_DELETE_OUTCOMES_BEFORE = `
DELETE FROM outcomes WHERE id IN (SELECT id FROM outcomes WHERE at < @cutoff LIMIT @chunk)`

export const OUTCOMES_ROWS_CUTOFF_ID = `SELECT id FROM outcomes ORDER BY id DESC LIMIT 1 OFFSET @maxRows`

export const CHUNK_DELETE_OUTCOMES_UP_TO_ID = `
DELETE FROM outcomes WHERE id IN (SELECT id FROM outcomes WHERE id <= @maxId LIMIT @chunk)`

/** A few rows per minute: one statement (bucket_start leads the primary key). */
export const DELETE_OUTCOME_COUNTS_BEFORE = `DELETE FROM outcome_counts WHERE bucket_start < @cutoff`

export const CHUNK_DELETE_ATTEMPTS_BEFORE = `
DELETE FROM attempts WHERE id IN (SELECT id FROM attempts WHERE at < @cutoff LIMIT @chunk)`

export const ATTEMPTS_ROWS_CUTOFF_ID = `SELECT id FROM attempts ORDER BY id DESC LIMIT 1 OFFSET @maxRows`

export const ATTEMPTS_BYTES_CUTOFF_ID = `
SELECT id FROM (SELECT id, SUM(bytes) OVER (ORDER BY id DESC) AS newer_total FROM attempts)
WHERE newer_total > @maxBytes ORDER BY id DESC LIMIT 1`

export const CHUNK_DELETE_ATTEMPTS_UP_TO_ID = `
DELETE FROM attempts WHERE id IN (SELECT id FROM attempts WHERE id <= @maxId LIMIT @chunk)`

/**
 * Revisions older than the oldest stored event's, except the latest (in force now). Revisions grow
 * with event ids, so the oldest event holds the oldest revision still needed (no scan of events).
 */
export const DELETE_UNUSED_REVISIONS = `
DELETE FROM config_revisions
WHERE revision < COALESCE((SELECT revision FROM events ORDER BY id LIMIT 1), 9223372036854775807)
  AND revision < (SELECT MAX(revision) FROM config_revisions)`
