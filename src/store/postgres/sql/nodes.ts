// Node statements (PostgreSQL): the heartbeat of every `serve` process sharing the database.

/** $1 id, $2 started, $3 now, $4 host, $5 pid, $6 version. */
export const UPSERT_NODE = `
INSERT INTO nodes (id, started_at, heartbeat_at, host, pid, version) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at`

/** Nodes silent since before $1 (gone for good: their leases went to others long ago). */
export const FORGET_NODES = `DELETE FROM nodes WHERE heartbeat_at < $1`

export const DELETE_NODE = `DELETE FROM nodes WHERE id = $1`

/** The forgotten-set revision node $1 has reloaded (never goes back). */
export const MARK_FORGOTTEN_SEEN = `UPDATE nodes SET forgotten_seen = GREATEST(forgotten_seen, $2) WHERE id = $1`

export const SELECT_NODES = `SELECT * FROM nodes ORDER BY started_at, id`
