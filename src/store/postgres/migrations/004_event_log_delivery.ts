// Migration 004 (PostgreSQL): the accepted events are the queue. Same tables and conversions as
// SQLite's 004: delivery follows the event log with a cursor per destination, and rows exist only
// for items that need them (parked: waiting for a retry or held behind an earlier item of their
// user), dead letters, refusals and per-request records.
// - config_revisions: immutable routing configurations; each event carries the one in force at receipt.
// - events.revision / destination_id / replay_of; the id sequence at CACHE 1 (ingest serialises its
//   inserts so ids commit in order: see ../ingest-tables.ts).
// - delivery_cursors: per destination, where delivery stands and who delivers it (lease); every
//   existing destination starts at the log head (all events so far were routed into jobs at ingest).
// - parked_items replaces jobs (a pending job's ordinal is minus its id: never one routing gives).
// - outcome_counts: per-minute counters, backfilled from the outcome log, whose delivered rows go.
// - dead_letters and attempts get item identity (event id, ordinal) and the events a request carried.
// Old payloads {p,b,k,v,s,i,f} become {path, bulk, body, followUps} with jsonb operators.

/** An old payload (JSON text in `column`) in the new form; `batchKey` is the old batch key column or NULL. */
function newPayload(column: string, batchKey: string): string {
  const p = `${column}::jsonb`
  const has = (key: string) => `COALESCE(jsonb_typeof(${p} -> '${key}'), 'null') <> 'null'`
  return `(jsonb_build_object('path', ${p} -> 'p', 'body', ${p} -> 'i')
  || CASE WHEN ${has('b')} THEN jsonb_build_object('bulk',
       jsonb_build_object('path', ${p} -> 'b', 'listKey', COALESCE(${p} -> 'k', '"events"'),
                          'batchKey', COALESCE(to_jsonb(${batchKey}::text), ${p} -> 'b'),
                          'batchSize', COALESCE(${p} -> 's', '1000'))
       || CASE WHEN ${has('v')} THEN jsonb_build_object('envelope', ${p} -> 'v') ELSE '{}' END)
     ELSE '{}' END
  || CASE WHEN ${has('f')} THEN jsonb_build_object('followUps', ${p} -> 'f') ELSE '{}' END)::text`
}

/** An old ordering key (userId, else email) as ordering keys (JSON text). */
const NEW_KEYS = `CASE WHEN ordering_key IS NULL THEN '[]'
  WHEN strpos(ordering_key, '@') > 0 THEN jsonb_build_array('e:' || lower(ordering_key))::text
  ELSE jsonb_build_array('u:' || ordering_key)::text END`

const NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`

export default /* sql */ `
CREATE TABLE config_revisions (
  revision   BIGSERIAL PRIMARY KEY,
  created_at BIGINT NOT NULL,
  config     TEXT NOT NULL
);

ALTER TABLE events
  ADD COLUMN revision BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN destination_id TEXT,
  ADD COLUMN replay_of BIGINT;
ALTER SEQUENCE events_id_seq CACHE 1;
CREATE INDEX events_replays ON events (replay_of) WHERE replay_of IS NOT NULL;

CREATE TABLE delivery_cursors (
  destination_id TEXT PRIMARY KEY,
  position       BIGINT NOT NULL,
  owner          TEXT,
  lease_until    BIGINT,
  updated_at     BIGINT NOT NULL
);
INSERT INTO delivery_cursors (destination_id, position, updated_at)
SELECT id, COALESCE((SELECT MAX(id) FROM events), 0), ${NOW_MS} FROM destinations;

CREATE TABLE parked_items (
  id                BIGSERIAL PRIMARY KEY,
  destination_id    TEXT NOT NULL,
  event_id          BIGINT NOT NULL,
  ordinal           BIGINT NOT NULL,
  position          BIGINT NOT NULL,
  message_id        TEXT NOT NULL,
  mapping_id        TEXT,
  action            TEXT NOT NULL,
  lane              TEXT NOT NULL,
  ordering_keys     TEXT NOT NULL,
  payload           TEXT NOT NULL,
  attempts          INTEGER NOT NULL,
  first_enqueued_at BIGINT NOT NULL,
  run_at            BIGINT NOT NULL,
  held              BOOLEAN NOT NULL,
  last_error        TEXT,
  status_code       INTEGER,
  error_code        TEXT,
  UNIQUE (destination_id, event_id, ordinal)
);

WITH pending AS (DELETE FROM jobs RETURNING *)
INSERT INTO parked_items (destination_id, event_id, ordinal, position, message_id, mapping_id, action, lane,
                          ordering_keys, payload, attempts, first_enqueued_at, run_at, held, last_error)
SELECT destination_id, COALESCE(event_id, 0), -id, COALESCE(event_id, 0), message_id, mapping_id, action, endpoint,
       ${NEW_KEYS}, ${newPayload('payload', 'batch_key')}, attempts, first_enqueued_at, run_at, FALSE, last_error
FROM pending ORDER BY id;
DROP TABLE jobs;

CREATE TABLE outcome_counts (
  bucket_start   BIGINT NOT NULL,
  destination_id TEXT NOT NULL,
  mapping_id     TEXT NOT NULL, -- '' when none
  action         TEXT NOT NULL,
  outcome        TEXT NOT NULL,
  count          BIGINT NOT NULL,
  PRIMARY KEY (bucket_start, destination_id, mapping_id, action, outcome)
);
INSERT INTO outcome_counts (bucket_start, destination_id, mapping_id, action, outcome, count)
SELECT (at / 60000) * 60000, destination_id, COALESCE(mapping_id, ''), action, outcome, COUNT(*)
FROM outcomes GROUP BY 1, 2, 3, 4, 5;
-- Delivered items are counted, not logged, from now on; the other outcomes stay as item history.
DELETE FROM outcomes WHERE outcome = 'delivered';
ALTER TABLE outcomes ADD COLUMN ordinal BIGINT;
UPDATE outcomes SET ordinal = -job_id,
                    payload = CASE WHEN payload IS NULL THEN NULL ELSE ${newPayload('payload', 'NULL')} END
WHERE job_id IS NOT NULL OR payload IS NOT NULL;
ALTER TABLE outcomes DROP COLUMN job_id;

ALTER TABLE dead_letters ADD COLUMN ordinal BIGINT, ADD COLUMN ordering_keys TEXT;
UPDATE dead_letters SET event_id = COALESCE(event_id, 0), ordinal = -job_id, ordering_keys = ${NEW_KEYS},
                        payload = ${newPayload('payload', 'batch_key')};
ALTER TABLE dead_letters
  ALTER COLUMN event_id SET NOT NULL,
  ALTER COLUMN ordinal SET NOT NULL,
  ALTER COLUMN ordering_keys SET NOT NULL,
  DROP COLUMN job_id,
  DROP COLUMN ordering_key,
  DROP COLUMN is_barrier,
  DROP COLUMN batch_key;
ALTER TABLE dead_letters RENAME COLUMN endpoint TO lane;
CREATE INDEX dead_letters_by_event ON dead_letters (event_id);

ALTER TABLE attempts
  ALTER COLUMN request_body DROP NOT NULL,
  ADD COLUMN first_event_id BIGINT,
  ADD COLUMN last_event_id BIGINT,
  ADD COLUMN event_ids TEXT NOT NULL DEFAULT '';
CREATE INDEX attempts_by_last_event ON attempts (last_event_id) WHERE last_event_id IS NOT NULL;
`
