// Migration 008: the right to be forgotten.
// - store_salts: random salts made once per store (named; `forget` hashes identifiers of forgotten
//   users). In the database, not in a file: the same on every node, as private as the data.
// - forgotten_users: salted hashes of forgotten identifiers (ingest drops or refuses their events,
//   delivery drops their items). Never the identifier itself.
// - privacy_actions: the audit of forget / unforget / delete, without personal data (the hash only).
export default /* sql */ `
CREATE TABLE store_salts (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE forgotten_users (
  hash       TEXT PRIMARY KEY,
  created_at BIGINT NOT NULL
);
CREATE TABLE privacy_actions (
  id           BIGSERIAL PRIMARY KEY,
  at           BIGINT NOT NULL,
  action       TEXT NOT NULL,
  subject_hash TEXT NOT NULL,
  outcome      TEXT NOT NULL,
  projects     TEXT NOT NULL,
  deleted      TEXT
);
`
