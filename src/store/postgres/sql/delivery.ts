// Delivery statements (PostgreSQL): each destination's cursor and lease, its parked items, and what
// a flush of its progress writes. Row sets are arrays, one per column ($2…), expanded with unnest
// (rows are inserted in array order, so ids follow it); $1 is always the destination.
import { LOG_HEAD_ID } from './log-head.js'

/**
 * Creates the cursor at the log head, or takes (renews) the lease: no row back while another owner
 * holds an unexpired lease (unless forced), nor while another owner holds an unexpired lease on a
 * destination of the same Iterable project ($6; null: no such rule), so one owner sends for a whole
 * project. $2 owner, $3 lease until, $4 now, $5 force. Run under LOCK_PROJECT (two nodes opening
 * two destinations of one project at once would each miss the other's lease).
 */
export const OPEN_DELIVERY = `
INSERT INTO delivery_cursors (destination_id, position, owner, lease_until, updated_at, project)
SELECT $1, ${LOG_HEAD_ID}, $2, $3, $4, $6
WHERE $5::boolean OR NOT EXISTS (
  SELECT 1 FROM delivery_cursors o
  WHERE o.project = $6 AND o.destination_id <> $1 AND o.owner <> $2 AND o.lease_until > $4)
ON CONFLICT (destination_id) DO UPDATE
SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until, updated_at = EXCLUDED.updated_at,
    project = EXCLUDED.project
WHERE $5::boolean OR delivery_cursors.owner IS NULL OR delivery_cursors.owner = EXCLUDED.owner
   OR delivery_cursors.lease_until IS NULL OR delivery_cursors.lease_until <= $4
RETURNING position`

/** Serialises the opening of a project's deliveries (advisory locks span the database: the key names the schema). */
export const LOCK_PROJECT = `SELECT pg_advisory_xact_lock(hashtext('iterable-actions:project:' || current_schema() || ':' || $1))`

/** $2 owner, $3 lease until, $4 now. */
export const RENEW_LEASE = `
UPDATE delivery_cursors SET lease_until = $3, updated_at = $4 WHERE destination_id = $1 AND owner = $2`

export const DROP_LEASE = `
UPDATE delivery_cursors SET owner = NULL, lease_until = NULL WHERE destination_id = $1 AND owner = $2`

/**
 * The fence of every flush, its first statement: moves the cursor (forward only, $3 may be null)
 * for the lease holder ($2) and locks the cursor row until commit, so a takeover waits for the
 * flush or the flush finds the new owner. $4 now.
 */
export const ADVANCE_CURSOR = `
UPDATE delivery_cursors SET position = GREATEST(position, COALESCE($3::bigint, position)), updated_at = $4
WHERE destination_id = $1 AND owner = $2`

export const SELECT_PARKED = `SELECT * FROM parked_items WHERE destination_id = $1 ORDER BY position, id`

/** Dead letters and refusals beyond the cursor ($2): a re-read of the log must not redo them. */
export const SELECT_SETTLED_AFTER = `
SELECT event_id, ordinal FROM outcomes
WHERE event_id > $2 AND destination_id = $1 AND ordinal IS NOT NULL AND outcome IN ('failed', 'dead')`

/** Inserts parked items, or replaces the retry state of those already parked (same event and ordinal). */
export const UPSERT_PARKED = `
INSERT INTO parked_items (destination_id, event_id, ordinal, position, message_id, mapping_id, action, lane,
                          ordering_keys, payload, attempts, first_enqueued_at, run_at, held, waiting_for_user,
                          last_error, status_code, error_code)
SELECT $1, t.* FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[],
                           $8::text[], $9::text[], $10::text[], $11::integer[], $12::bigint[], $13::bigint[],
                           $14::boolean[], $15::boolean[], $16::text[], $17::integer[], $18::text[]) AS t
ON CONFLICT (destination_id, event_id, ordinal) DO UPDATE SET
  attempts = EXCLUDED.attempts, run_at = EXCLUDED.run_at, held = EXCLUDED.held,
  waiting_for_user = EXCLUDED.waiting_for_user, last_error = EXCLUDED.last_error,
  status_code = EXCLUDED.status_code, error_code = EXCLUDED.error_code`

/** $2 event ids, $3 ordinals. */
export const DELETE_PARKED = `
DELETE FROM parked_items AS p USING unnest($2::bigint[], $3::bigint[]) AS r(event_id, ordinal)
WHERE p.destination_id = $1 AND p.event_id = r.event_id AND p.ordinal = r.ordinal`

export const INSERT_DEAD_LETTERS = `
INSERT INTO dead_letters (destination_id, event_id, ordinal, message_id, mapping_id, action, lane, ordering_keys,
                          payload, attempts, first_enqueued_at, last_error, reason, code, status_code, dead_at, field)
SELECT $1, t.* FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                           $9::text[], $10::integer[], $11::bigint[], $12::text[], $13::text[], $14::text[],
                           $15::integer[], $16::bigint[], $17::text[]) AS t`

export const INSERT_OUTCOMES = `
INSERT INTO outcomes (destination_id, at, outcome, mapping_id, action, event_id, ordinal, message_id, user_key,
                      status_code, error_code, error_message, payload)
SELECT $1, t.* FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],
                           $8::text[], $9::text[], $10::integer[], $11::text[], $12::text[], $13::text[]) AS t`

export const INSERT_ATTEMPTS = `
INSERT INTO attempts (destination_id, at, endpoint, request_body, response_status, response_body, duration_ms,
                      job_count, error, bytes, first_event_id, last_event_id, event_ids)
SELECT $1, t.* FROM unnest($2::bigint[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::integer[],
                           $8::integer[], $9::text[], $10::integer[], $11::bigint[], $12::bigint[], $13::text[]) AS t`

/** Per-minute counters (the caller sums its deltas per key first: one row per key here). */
export const ADD_OUTCOME_COUNTS = `
INSERT INTO outcome_counts (destination_id, bucket_start, mapping_id, action, outcome, count)
SELECT $1, t.* FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS t
ON CONFLICT (bucket_start, destination_id, mapping_id, action, outcome)
DO UPDATE SET count = outcome_counts.count + EXCLUDED.count`

/** Every cursor, with the receipt time of the first event after it (how old the backlog is). */
export const SELECT_CURSORS = `
SELECT c.*, (SELECT received_at FROM events WHERE id > c.position ORDER BY id LIMIT 1) AS oldest_behind_at
FROM delivery_cursors AS c ORDER BY destination_id`

export const SELECT_PARKED_STATS = `
SELECT destination_id, lane, COUNT(*) FILTER (WHERE NOT held) AS retrying, COUNT(*) FILTER (WHERE held) AS held,
       MIN(first_enqueued_at) AS oldest
FROM parked_items GROUP BY destination_id, lane ORDER BY destination_id, lane`
