// Migration 012: forgetting on several nodes waits for every node instead of a fixed time.
// - forgotten_revision: one row, bumped in the transaction that changes the forgotten set;
// - nodes.forgotten_seen: the revision a node's ingest and delivery have reloaded (its configuration
//   watch writes it), so a forget goes on to delete and call Iterable only once every live node
//   keeps the user out.
export default /* sql */ `
CREATE TABLE forgotten_revision (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  revision  BIGINT NOT NULL
);
INSERT INTO forgotten_revision (singleton, revision) VALUES (1, 0);
ALTER TABLE nodes ADD COLUMN forgotten_seen BIGINT NOT NULL DEFAULT 0;
`
