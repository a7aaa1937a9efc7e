// Migration 001 (SQLite): the whole initial schema. Times are epoch milliseconds (INTEGER).
// JSON columns are TEXT: the store never looks inside them.
export default /* sql */ `
CREATE TABLE sources (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  write_key_hash   TEXT NOT NULL UNIQUE,
  write_key_sealed TEXT NOT NULL,
  write_key_hint   TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  revoked_at       INTEGER
);

CREATE TABLE destinations (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  kind           TEXT NOT NULL,
  settings       TEXT NOT NULL,
  api_key_sealed TEXT,
  enabled        INTEGER NOT NULL,
  paused_reason  TEXT,
  paused_since   INTEGER,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);

CREATE TABLE mappings (
  id             TEXT PRIMARY KEY,
  destination_id TEXT NOT NULL REFERENCES destinations (id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  enabled        INTEGER NOT NULL,
  trigger_text   TEXT NOT NULL,
  action         TEXT NOT NULL,
  fields         TEXT NOT NULL,
  batching       TEXT,
  position       INTEGER NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX mappings_by_destination ON mappings (destination_id, position);

CREATE TABLE events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: dedupe keys point at event ids
  source_id   TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  size        INTEGER NOT NULL,
  user_key    TEXT,
  body        TEXT NOT NULL
);
-- No index on message_id or user_key: random-key indexes cost ~5x per insert. Lookups by messageId
-- go through dedupe_keys (below); lookups by user scan the (size-capped) table.
CREATE INDEX events_by_time ON events (received_at);

-- Dedupe keys double as the messageId index of events (event_id = the stored copy). A key lives
-- while its event does, and at least the dedupe window; only seen_at decides what is a duplicate.
CREATE TABLE dedupe_keys (
  message_id TEXT NOT NULL,
  source_id  TEXT NOT NULL,
  seen_at    INTEGER NOT NULL,
  event_id   INTEGER,
  PRIMARY KEY (message_id, source_id)
) WITHOUT ROWID;
CREATE INDEX dedupe_keys_by_time ON dedupe_keys (seen_at);

CREATE TABLE jobs (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  destination_id    TEXT NOT NULL,
  endpoint          TEXT NOT NULL,
  mapping_id        TEXT,
  event_id          INTEGER,
  message_id        TEXT NOT NULL,
  action            TEXT NOT NULL,
  ordering_key      TEXT,
  is_barrier        INTEGER NOT NULL DEFAULT 0,
  batch_key         TEXT,
  payload           TEXT NOT NULL,
  attempts          INTEGER NOT NULL DEFAULT 0,
  run_at            INTEGER NOT NULL,
  first_enqueued_at INTEGER NOT NULL,
  locked_by         TEXT,
  locked_until      INTEGER,
  last_error        TEXT
);
-- claim: walk one queue in id order
CREATE INDEX jobs_by_queue ON jobs (destination_id, endpoint, id);
-- identify first: is there an earlier pending barrier for this user?
CREATE INDEX jobs_barriers ON jobs (destination_id, ordering_key, id) WHERE is_barrier = 1;
-- reclaimExpired
CREATE INDEX jobs_leased ON jobs (locked_until) WHERE locked_until IS NOT NULL;

CREATE TABLE outcomes (
  id             INTEGER PRIMARY KEY,
  at             INTEGER NOT NULL,
  outcome        TEXT NOT NULL,
  destination_id TEXT NOT NULL,
  mapping_id     TEXT,
  action         TEXT NOT NULL,
  event_id       INTEGER,
  message_id     TEXT NOT NULL,
  user_key       TEXT,
  job_id         INTEGER,
  status_code    INTEGER,
  error_code     TEXT,
  error_message  TEXT
);
CREATE INDEX outcomes_by_time ON outcomes (at);
-- event ids grow with time, so this index is appended to, not scattered (unlike message_id)
CREATE INDEX outcomes_by_event ON outcomes (event_id) WHERE event_id IS NOT NULL;

CREATE TABLE attempts (
  id              INTEGER PRIMARY KEY,
  at              INTEGER NOT NULL,
  destination_id  TEXT NOT NULL,
  endpoint        TEXT NOT NULL,
  request_body    TEXT NOT NULL,
  response_status INTEGER,
  response_body   TEXT,
  duration_ms     INTEGER NOT NULL,
  job_count       INTEGER NOT NULL,
  error           TEXT,
  bytes           INTEGER NOT NULL
);
CREATE INDEX attempts_by_destination ON attempts (destination_id, id);

CREATE TABLE dead_letters (
  id                INTEGER PRIMARY KEY,
  job_id            INTEGER NOT NULL,
  destination_id    TEXT NOT NULL,
  endpoint          TEXT NOT NULL,
  mapping_id        TEXT,
  event_id          INTEGER,
  message_id        TEXT NOT NULL,
  action            TEXT NOT NULL,
  ordering_key      TEXT,
  is_barrier        INTEGER NOT NULL,
  batch_key         TEXT,
  payload           TEXT NOT NULL,
  attempts          INTEGER NOT NULL,
  first_enqueued_at INTEGER NOT NULL,
  last_error        TEXT,
  reason            TEXT NOT NULL,
  code              TEXT NOT NULL,
  status_code       INTEGER,
  dead_at           INTEGER NOT NULL,
  replayed_at       INTEGER
);
CREATE INDEX dead_letters_by_destination ON dead_letters (destination_id, dead_at);
`
