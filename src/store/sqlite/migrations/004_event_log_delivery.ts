// Migration 004: the accepted events are the queue. Delivery follows the event log with a cursor
// per destination; rows exist only for items that need them (parked: waiting for a retry or held
// behind an earlier item of their user), dead letters, refusals and per-request records.
// - config_revisions: immutable routing configurations; each event carries the one in force at receipt.
// - events.revision / destination_id / replay_of: the revision, a replay's one destination, the
//   original of a replayed copy.
// - delivery_cursors: per destination, where delivery stands and who delivers it (lease).
// - parked_items replaces jobs: pending jobs become parked items (cursor = the log head: every event
//   so far was routed into jobs at ingest).
// - outcome_counts: per-minute counters (delivered items leave no row; counting is all they need).
// - dead_letters and attempts are rebuilt with item identity (event id, ordinal) and the events a
//   request carried. Old payloads {p,b,k,v,s,i,f} become {path, bulk, body, followUps}.
const NOW_MS = `CAST(strftime('%s', 'now') AS INTEGER) * 1000`

/** An old job payload (JSON text in column `payload`, batch key in `batch_key`) in the new form. */
const NEW_PAYLOAD = `json_patch(
  json_object('path', json_extract(payload, '$.p'), 'body', json(json_extract(payload, '$.i'))),
  json_object(
    'bulk', CASE WHEN json_extract(payload, '$.b') IS NULL THEN NULL ELSE json_patch(
      json_object('path', json_extract(payload, '$.b'), 'listKey', COALESCE(json_extract(payload, '$.k'), 'events'),
                  'batchKey', COALESCE(batch_key, json_extract(payload, '$.b')),
                  'batchSize', COALESCE(json_extract(payload, '$.s'), 1000)),
      json_object('envelope', json(json_extract(payload, '$.v')))) END,
    'followUps', json(json_extract(payload, '$.f'))))`

/** An old ordering key (userId, else email) as ordering keys. */
const NEW_KEYS = `CASE WHEN ordering_key IS NULL THEN '[]'
  WHEN instr(ordering_key, '@') > 0 THEN json_array('e:' || lower(ordering_key))
  ELSE json_array('u:' || ordering_key) END`

export default /* sql */ `
CREATE TABLE config_revisions (
  revision   INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  config     TEXT NOT NULL
);

ALTER TABLE events ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN destination_id TEXT;
ALTER TABLE events ADD COLUMN replay_of INTEGER;
CREATE INDEX events_replays ON events (replay_of) WHERE replay_of IS NOT NULL;

CREATE TABLE delivery_cursors (
  destination_id TEXT PRIMARY KEY,
  position       INTEGER NOT NULL,
  owner          TEXT,
  lease_until    INTEGER,
  updated_at     INTEGER NOT NULL
);

CREATE TABLE parked_items (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  destination_id    TEXT NOT NULL,
  event_id          INTEGER NOT NULL,
  ordinal           INTEGER NOT NULL,
  position          INTEGER NOT NULL,
  message_id        TEXT NOT NULL,
  mapping_id        TEXT,
  action            TEXT NOT NULL,
  lane              TEXT NOT NULL,
  ordering_keys     TEXT NOT NULL,
  payload           TEXT NOT NULL,
  attempts          INTEGER NOT NULL,
  first_enqueued_at INTEGER NOT NULL,
  run_at            INTEGER NOT NULL,
  held              INTEGER NOT NULL,
  last_error        TEXT,
  status_code       INTEGER,
  error_code        TEXT,
  UNIQUE (destination_id, event_id, ordinal)
);

INSERT INTO delivery_cursors (destination_id, position, updated_at)
SELECT id, COALESCE((SELECT MAX(id) FROM events), 0), ${NOW_MS} FROM destinations;

-- A pending job's ordinal is minus its id: never one that routing gives (0, 1, 2 …).
INSERT INTO parked_items (destination_id, event_id, ordinal, position, message_id, mapping_id, action, lane,
                          ordering_keys, payload, attempts, first_enqueued_at, run_at, held, last_error)
SELECT destination_id, COALESCE(event_id, 0), -id, COALESCE(event_id, 0), message_id, mapping_id, action, endpoint,
       ${NEW_KEYS}, ${NEW_PAYLOAD}, attempts, first_enqueued_at, run_at, 0, last_error
FROM jobs ORDER BY id;
DROP TABLE jobs;

CREATE TABLE outcome_counts (
  bucket_start   INTEGER NOT NULL,
  destination_id TEXT NOT NULL,
  mapping_id     TEXT NOT NULL, -- '' when none
  action         TEXT NOT NULL,
  outcome        TEXT NOT NULL,
  count          INTEGER NOT NULL,
  PRIMARY KEY (bucket_start, destination_id, mapping_id, action, outcome)
) WITHOUT ROWID;
INSERT INTO outcome_counts
SELECT (at / 60000) * 60000, destination_id, COALESCE(mapping_id, ''), action, outcome, COUNT(*)
FROM outcomes GROUP BY 1, 2, 3, 4, 5;
-- Delivered items are counted, not logged, from now on; the other outcomes stay as item history.
DELETE FROM outcomes WHERE outcome = 'delivered';
ALTER TABLE outcomes ADD COLUMN ordinal INTEGER;
UPDATE outcomes SET ordinal = -job_id WHERE job_id IS NOT NULL;
UPDATE outcomes SET payload = ${NEW_PAYLOAD.replaceAll('batch_key', 'NULL')} WHERE payload IS NOT NULL;

CREATE TABLE dead_letters_new (
  id                INTEGER PRIMARY KEY,
  destination_id    TEXT NOT NULL,
  event_id          INTEGER NOT NULL,
  ordinal           INTEGER NOT NULL,
  message_id        TEXT NOT NULL,
  mapping_id        TEXT,
  action            TEXT NOT NULL,
  lane              TEXT NOT NULL,
  ordering_keys     TEXT NOT NULL,
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
INSERT INTO dead_letters_new
SELECT id, destination_id, COALESCE(event_id, 0), -job_id, message_id, mapping_id, action, endpoint, ${NEW_KEYS},
       ${NEW_PAYLOAD}, attempts, first_enqueued_at, last_error, reason, code, status_code, dead_at, replayed_at
FROM dead_letters;
DROP TABLE dead_letters;
ALTER TABLE dead_letters_new RENAME TO dead_letters;
CREATE INDEX dead_letters_by_destination ON dead_letters (destination_id, dead_at);
CREATE INDEX dead_letters_by_event ON dead_letters (event_id);

CREATE TABLE attempts_new (
  id              INTEGER PRIMARY KEY,
  at              INTEGER NOT NULL,
  destination_id  TEXT NOT NULL,
  endpoint        TEXT NOT NULL,
  request_body    TEXT,
  response_status INTEGER,
  response_body   TEXT,
  duration_ms     INTEGER NOT NULL,
  job_count       INTEGER NOT NULL,
  error           TEXT,
  bytes           INTEGER NOT NULL,
  first_event_id  INTEGER,
  last_event_id   INTEGER,
  event_ids       TEXT NOT NULL DEFAULT ''
);
INSERT INTO attempts_new (id, at, destination_id, endpoint, request_body, response_status, response_body,
                          duration_ms, job_count, error, bytes)
SELECT id, at, destination_id, endpoint, request_body, response_status, response_body, duration_ms, job_count,
       error, bytes FROM attempts;
DROP TABLE attempts;
ALTER TABLE attempts_new RENAME TO attempts;
CREATE INDEX attempts_by_destination ON attempts (destination_id, id);
CREATE INDEX attempts_by_last_event ON attempts (last_event_id) WHERE last_event_id IS NOT NULL;
`
