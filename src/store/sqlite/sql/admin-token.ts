// Admin token statements (SQLite): one row, id 1.

export const SELECT_ADMIN_TOKEN = `SELECT hash, hint, created_at, rotated_at FROM admin_token WHERE id = 1`

/** Kept only when the store has no token yet (of several starts, the first one's). */
export const INSERT_ADMIN_TOKEN = `
INSERT INTO admin_token (id, hash, hint, created_at, rotated_at) VALUES (1, @hash, @hint, @at, @at)
ON CONFLICT (id) DO NOTHING`

/** Rotation: the new token replaces the old one; created_at stays that of the first. */
export const REPLACE_ADMIN_TOKEN = `
INSERT INTO admin_token (id, hash, hint, created_at, rotated_at) VALUES (1, @hash, @hint, @at, @at)
ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, hint = excluded.hint, rotated_at = excluded.rotated_at
RETURNING hash, hint, created_at, rotated_at`
