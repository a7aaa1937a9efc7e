// Admin token statements (PostgreSQL): one row, id 1, shared by every node.

export const SELECT_ADMIN_TOKEN = `SELECT hash, hint, created_at, rotated_at FROM admin_token WHERE id = 1`

/**
 * $1 hash, $2 hint, $3 at. Kept only when the store has no token yet: of nodes starting together the
 * first insert wins, and the others' wait on it and then insert nothing.
 */
export const INSERT_ADMIN_TOKEN = `
INSERT INTO admin_token (id, hash, hint, created_at, rotated_at) VALUES (1, $1, $2, $3, $3)
ON CONFLICT (id) DO NOTHING`

/** $1 hash, $2 hint, $3 at. Rotation: the new token replaces the old one; created_at stays that of the first. */
export const REPLACE_ADMIN_TOKEN = `
INSERT INTO admin_token (id, hash, hint, created_at, rotated_at) VALUES (1, $1, $2, $3, $3)
ON CONFLICT (id) DO UPDATE SET hash = EXCLUDED.hash, hint = EXCLUDED.hint, rotated_at = EXCLUDED.rotated_at
RETURNING hash, hint, created_at, rotated_at`
