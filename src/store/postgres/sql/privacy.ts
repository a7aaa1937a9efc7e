// Forgotten users, one user's data deleted, and the privacy audit (PostgreSQL). `needles` are
// lower-cased JSON fragments (`"ann@example.com"`), matched with strpos.

/** $1 name, $2 value: kept when two nodes race to make the salt (the first one wins). */
export const INSERT_SALT = `INSERT INTO store_salts (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`
export const SELECT_SALT = `SELECT value FROM store_salts WHERE name = $1`

/** $1 hashes, $2 at. */
export const INSERT_FORGOTTEN = `
INSERT INTO forgotten_users (hash, created_at) SELECT h, $2 FROM unnest($1::text[]) AS h
ON CONFLICT (hash) DO NOTHING`
export const DELETE_FORGOTTEN = `DELETE FROM forgotten_users WHERE hash = ANY($1::text[])`
export const SELECT_FORGOTTEN = `SELECT hash FROM forgotten_users ORDER BY hash`

/** In the transaction that changed the forgotten set: the set's new revision. */
export const BUMP_FORGOTTEN_REVISION = `UPDATE forgotten_revision SET revision = revision + 1 RETURNING revision`
export const SELECT_FORGOTTEN_REVISION = `SELECT revision FROM forgotten_revision`

/** $1 user keys, $2 needles: filed under one of their keys, or mentioning them (a scan of the capped table). */
export const SELECT_USER_EVENT_IDS = `
SELECT id FROM events
WHERE user_key = ANY($1::text[])
   OR EXISTS (SELECT 1 FROM unnest($2::text[]) AS n WHERE strpos(lower(events.body), n) > 0)`

/** $1 event ids, $2 user keys, $3 needles. */
export const DELETE_USER_OUTCOMES = `
DELETE FROM outcomes
WHERE event_id = ANY($1::bigint[])
   OR user_key = ANY($2::text[])
   OR EXISTS (SELECT 1 FROM unnest($3::text[]) AS n WHERE strpos(lower(outcomes.payload), n) > 0)`

/** $1 event ids, $2 ordering keys (ordering_keys holds a JSON array as text). */
export const DELETE_USER_PARKED = `
DELETE FROM parked_items
WHERE event_id = ANY($1::bigint[])
   OR EXISTS (SELECT 1 FROM json_array_elements_text(parked_items.ordering_keys::json) AS k
              WHERE k = ANY($2::text[]))`

export const DELETE_USER_DEAD_LETTERS = `
DELETE FROM dead_letters
WHERE event_id = ANY($1::bigint[])
   OR EXISTS (SELECT 1 FROM json_array_elements_text(dead_letters.ordering_keys::json) AS k
              WHERE k = ANY($2::text[]))`

/** $1 needles: requests (with their answers) that carried the user; the whole request goes. */
export const DELETE_USER_ATTEMPTS = `
DELETE FROM attempts
WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) AS n
              WHERE strpos(lower(attempts.request_body), n) > 0 OR strpos(lower(attempts.response_body), n) > 0)`

export const DELETE_EVENTS_BY_ID = `DELETE FROM events WHERE id = ANY($1::bigint[])`

/** $1 at, $2 action, $3 hash, $4 outcome, $5 projects, $6 deleted. */
export const INSERT_PRIVACY_ACTION = `
INSERT INTO privacy_actions (at, action, subject_hash, outcome, projects, deleted)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING *`

/** $1 before id or null, $2 limit. */
export const SELECT_PRIVACY_ACTIONS = `
SELECT * FROM privacy_actions WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`
