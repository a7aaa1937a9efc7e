// Migration 006: several nodes on one database.
// - nodes: every running `serve` process, with its heartbeat (the cluster view; a node whose heartbeat
//   is older than the delivery lease is dead, and its leases are taken over).
// - delivery_cursors.project: the Iterable project (hashed API key + base URL) the destination's
//   lease was taken for; one owner at a time delivers every destination of a project, so the
//   project's rate limits live in one process.
export default /* sql */ `
CREATE TABLE nodes (
  id           TEXT PRIMARY KEY,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  host         TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  version      TEXT NOT NULL
);
ALTER TABLE delivery_cursors ADD COLUMN project TEXT;
CREATE INDEX delivery_cursors_by_project ON delivery_cursors (project) WHERE project IS NOT NULL;
`
