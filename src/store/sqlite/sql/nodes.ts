// Node statements (SQLite): one process per data folder, but the same record of it as PostgreSQL's.

export const UPSERT_NODE = `
INSERT INTO nodes (id, started_at, heartbeat_at, host, pid, version)
VALUES (@id, @startedAt, @now, @host, @pid, @version)
ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`

export const FORGET_NODES = `DELETE FROM nodes WHERE heartbeat_at < ?`

export const DELETE_NODE = `DELETE FROM nodes WHERE id = ?`

/** The forgotten-set revision a node has reloaded (never goes back). */
export const MARK_FORGOTTEN_SEEN = `UPDATE nodes SET forgotten_seen = MAX(forgotten_seen, ?) WHERE id = ?`

export const SELECT_NODES = `SELECT * FROM nodes ORDER BY started_at, id`
