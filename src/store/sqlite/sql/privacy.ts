// Forgotten users, one user's data deleted, and the privacy audit (SQLite). List parameters are
// JSON arrays (json_each); `@needles` are lower-cased JSON fragments (`"ann@example.com"`).

/** Kept when two connections race to make the salt: the first one wins. */
export const INSERT_SALT = `INSERT INTO store_salts (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`
export const SELECT_SALT = `SELECT value FROM store_salts WHERE name = ?`

export const INSERT_FORGOTTEN = `
INSERT INTO forgotten_users (hash, created_at) SELECT value, @at FROM json_each(@hashes) WHERE true
ON CONFLICT (hash) DO NOTHING`
export const DELETE_FORGOTTEN = `DELETE FROM forgotten_users WHERE hash IN (SELECT value FROM json_each(?))`
export const SELECT_FORGOTTEN = `SELECT hash FROM forgotten_users ORDER BY hash`

/** In the transaction that changed the forgotten set. */
export const BUMP_FORGOTTEN_REVISION = `UPDATE forgotten_revision SET revision = revision + 1`
export const SELECT_FORGOTTEN_REVISION = `SELECT revision FROM forgotten_revision`

/** The user's events: filed under one of their keys, or mentioning them (a scan of the capped table). */
export const SELECT_USER_EVENT_IDS = `
SELECT id FROM events
WHERE user_key IN (SELECT value FROM json_each(@keys))
   OR EXISTS (SELECT 1 FROM json_each(@needles) AS n WHERE instr(lower(events.body), n.value) > 0)`

export const DELETE_USER_OUTCOMES = `
DELETE FROM outcomes
WHERE event_id IN (SELECT value FROM json_each(@ids))
   OR user_key IN (SELECT value FROM json_each(@keys))
   OR EXISTS (SELECT 1 FROM json_each(@needles) AS n WHERE instr(lower(outcomes.payload), n.value) > 0)`

export const DELETE_USER_PARKED = `
DELETE FROM parked_items
WHERE event_id IN (SELECT value FROM json_each(@ids))
   OR EXISTS (SELECT 1 FROM json_each(parked_items.ordering_keys) AS k
              WHERE k.value IN (SELECT value FROM json_each(@orderingKeys)))`

export const DELETE_USER_DEAD_LETTERS = `
DELETE FROM dead_letters
WHERE event_id IN (SELECT value FROM json_each(@ids))
   OR EXISTS (SELECT 1 FROM json_each(dead_letters.ordering_keys) AS k
              WHERE k.value IN (SELECT value FROM json_each(@orderingKeys)))`

/** Requests (with their answers) that carried the user: the whole request goes, bulk ones too. */
export const DELETE_USER_ATTEMPTS = `
DELETE FROM attempts
WHERE EXISTS (SELECT 1 FROM json_each(@needles) AS n
              WHERE instr(lower(attempts.request_body), n.value) > 0
                 OR instr(lower(attempts.response_body), n.value) > 0)`

export const DELETE_EVENTS_BY_ID = `DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))`

export const INSERT_PRIVACY_ACTION = `
INSERT INTO privacy_actions (at, action, subject_hash, outcome, projects, deleted)
VALUES (@at, @action, @subjectHash, @outcome, @projects, @deleted)
RETURNING *`

export const SELECT_PRIVACY_ACTIONS = `
SELECT * FROM privacy_actions WHERE (@before IS NULL OR id < @before) ORDER BY id DESC LIMIT @limit`
