// Migration 001 (PostgreSQL): the whole initial schema, in the connection's search_path schema.
// Times are epoch milliseconds (BIGINT). JSON columns are TEXT: the store never looks inside them.
export default /* sql */ `
CREATE TABLE sources (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  write_key_hash   TEXT NOT NULL UNIQUE,
  write_key_sealed TEXT NOT NULL,
  write_key_hint   TEXT NOT NULL,
  created_at       BIGINT NOT NULL,
  revoked_at       BIGINT
);

CREATE TABLE destinations (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  kind           TEXT NOT NULL,
  settings       TEXT NOT NULL,
  api_key_sealed TEXT,
  enabled        BOOLEAN NOT NULL,
  paused_reason  TEXT,
  paused_since   BIGINT,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL
);

CREATE TABLE mappings (
  id             TEXT PRIMARY KEY,
  destination_id TEXT NOT NULL REFERENCES destinations (id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  enabled        BOOLEAN NOT NULL,
  trigger_text   TEXT NOT NULL,
  action         TEXT NOT NULL,
  fields         TEXT NOT NULL,
  batching       TEXT,
  position       INTEGER NOT NULL,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL
);
CREATE INDEX mappings_by_destination ON mappings (destination_id, position);

CREATE TABLE events (
  id          BIGSERIAL PRIMARY KEY,
  source_id   TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  received_at BIGINT NOT NULL,
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
  seen_at    BIGINT NOT NULL,
  event_id   BIGINT,
  PRIMARY KEY (message_id, source_id)
);
CREATE INDEX dedupe_keys_by_time ON dedupe_keys (seen_at);

CREATE TABLE jobs (
  id                BIGSERIAL PRIMARY KEY,
  destination_id    TEXT NOT NULL,
  endpoint          TEXT NOT NULL,
  mapping_id        TEXT,
  event_id          BIGINT,
  message_id        TEXT NOT NULL,
  action            TEXT NOT NULL,
  ordering_key      TEXT,
  is_barrier        BOOLEAN NOT NULL DEFAULT FALSE,
  batch_key         TEXT,
  payload           TEXT NOT NULL,
  attempts          INTEGER NOT NULL DEFAULT 0,
  run_at            BIGINT NOT NULL,
  first_enqueued_at BIGINT NOT NULL,
  locked_by         TEXT,
  locked_until      BIGINT,
  last_error        TEXT
);
-- claim: walk one queue in id order
CREATE INDEX jobs_by_queue ON jobs (destination_id, endpoint, id);
-- identify first: is there an earlier pending barrier for this user?
CREATE INDEX jobs_barriers ON jobs (destination_id, ordering_key, id) WHERE is_barrier;
-- reclaimExpired
CREATE INDEX jobs_leased ON jobs (locked_until) WHERE locked_until IS NOT NULL;

CREATE TABLE outcomes (
  id             BIGSERIAL PRIMARY KEY,
  at             BIGINT NOT NULL,
  outcome        TEXT NOT NULL,
  destination_id TEXT NOT NULL,
  mapping_id     TEXT,
  action         TEXT NOT NULL,
  event_id       BIGINT,
  message_id     TEXT NOT NULL,
  user_key       TEXT,
  job_id         BIGINT,
  status_code    INTEGER,
  error_code     TEXT,
  error_message  TEXT
);
CREATE INDEX outcomes_by_time ON outcomes (at);
-- event ids grow with time, so this index is appended to, not scattered (unlike message_id)
CREATE INDEX outcomes_by_event ON outcomes (event_id) WHERE event_id IS NOT NULL;

CREATE TABLE attempts (
  id              BIGSERIAL PRIMARY KEY,
  at              BIGINT NOT NULL,
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
  id                BIGSERIAL PRIMARY KEY,
  job_id            BIGINT NOT NULL,
  destination_id    TEXT NOT NULL,
  endpoint          TEXT NOT NULL,
  mapping_id        TEXT,
  event_id          BIGINT,
  message_id        TEXT NOT NULL,
  action            TEXT NOT NULL,
  ordering_key      TEXT,
  is_barrier        BOOLEAN NOT NULL,
  batch_key         TEXT,
  payload           TEXT NOT NULL,
  attempts          INTEGER NOT NULL,
  first_enqueued_at BIGINT NOT NULL,
  last_error        TEXT,
  reason            TEXT NOT NULL,
  code              TEXT NOT NULL,
  status_code       INTEGER,
  dead_at           BIGINT NOT NULL,
  replayed_at       BIGINT
);
CREATE INDEX dead_letters_by_destination ON dead_letters (destination_id, dead_at);
`
