// Ingest and event-log statements (PostgreSQL): set-based over arrays (unnest), run in one
// transaction per request.
import { APPEND_CHANNEL } from '../append-channel.js'
import { LOG_HEAD_ID } from './log-head.js'

/**
 * Claims dedupe keys; returns the messageIds that are new (or whose previous sighting is outside
 * the window). A concurrent ingest of the same id waits on the row lock, then sees it as taken.
 * $1 source, $2 seen_at, $3 message ids, $4 cutoff.
 */
export const CLAIM_DEDUPE_KEYS = `
INSERT INTO dedupe_keys (message_id, source_id, seen_at)
SELECT m, $1, $2 FROM unnest($3::text[]) AS m ORDER BY m -- one lock order for concurrent requests
ON CONFLICT (message_id, source_id) DO UPDATE SET seen_at = EXCLUDED.seen_at, event_id = NULL
WHERE dedupe_keys.seen_at <= $4
RETURNING message_id`

/**
 * Serialises the part of ingest that takes event ids: held from just before the events insert to
 * the end of the transaction, so ids are taken and committed one transaction after the other (see
 * ingest-tables.ts). Advisory locks span the database: the key names the schema. It also tells
 * every node listening that events were appended (sent at the commit, once per transaction; the
 * payload names the schema, as the channel spans the database).
 */
export const LOCK_EVENT_LOG = `SELECT pg_advisory_xact_lock(hashtext('iterable-actions:event-log:' || current_schema())),
  pg_notify('${APPEND_CHANNEL}', current_schema())`

/**
 * $1 source, $2 received_at, $3 revision, $4 destination (replays), then arrays in event order.
 * The revision is the newest stored one when that is newer than the caller's: another node may have
 * changed the configuration (a new destination) before this node reloaded it, and the events of
 * this commit must be routed with what was in force when they were committed.
 */
const INSERT_EVENTS = `
INSERT INTO events (source_id, message_id, received_at, size, user_key, body, revision, destination_id, replay_of)
SELECT $1, t.m, $2, t.s, t.u, t.b,
  GREATEST($3::bigint, COALESCE((SELECT MAX(revision) FROM config_revisions), 0)), $4, t.r
FROM unnest($5::text[], $6::integer[], $7::text[], $8::text[], $9::bigint[]) WITH ORDINALITY AS t(m, s, u, b, r, n)
ORDER BY t.n
RETURNING id, message_id`

/** Stores the accepted events and points their dedupe keys at them, in one statement. */
export const INSERT_EVENTS_LINKING_KEYS = `
WITH inserted AS (${INSERT_EVENTS}),
linked AS (
  UPDATE dedupe_keys AS d SET event_id = i.id FROM inserted AS i
  WHERE d.message_id = i.message_id AND d.source_id = $1
)
SELECT id, message_id FROM inserted ORDER BY id`

/** A replay's copies: no dedupe keys (the originals keep theirs; lookups find copies by replay_of). */
export const INSERT_REPLAYED_EVENTS = `
WITH inserted AS (${INSERT_EVENTS})
SELECT id, message_id FROM inserted ORDER BY id`

/** The columns of a stored event, in the order rawRowToEvent reads them. */
const EVENT_FIELDS = `id, source_id, message_id, received_at, size, user_key, body, revision, destination_id, replay_of`

/** The log after a cursor ($1), in id order, at most $2 (read as arrays, the cheapest rows). */
export const READ_LOG = `SELECT ${EVENT_FIELDS} FROM events WHERE id > $1 ORDER BY id LIMIT $2`

/** The highest committed event id: with ingest serialised, no lower id can commit later. */
export const LOG_HEAD = `SELECT ${LOG_HEAD_ID} AS id`
