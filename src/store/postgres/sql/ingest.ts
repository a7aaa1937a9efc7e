// Ingest statements (PostgreSQL): each is one set-based statement over arrays (unnest), run in
// one transaction per request.

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

/** Points the claimed keys at their stored events. $1 source, $2 message ids, $3 event ids. */
export const LINK_DEDUPE_KEYS = `
UPDATE dedupe_keys AS d SET event_id = t.event_id
FROM unnest($2::text[], $3::bigint[]) AS t(message_id, event_id)
WHERE d.message_id = t.message_id AND d.source_id = $1`

/** $1 source, $2 received_at, then arrays in event order: message ids, sizes, user keys, bodies. */
export const INSERT_EVENTS = `
INSERT INTO events (source_id, message_id, received_at, size, user_key, body)
SELECT $1, t.m, $2, t.s, t.u, t.b
FROM unnest($3::text[], $4::integer[], $5::text[], $6::text[]) WITH ORDINALITY AS t(m, s, u, b, n)
ORDER BY t.n
RETURNING id, message_id`

/** $1 now (first_enqueued_at), then one array per column, in job order. */
export const INSERT_JOBS = `
INSERT INTO jobs (destination_id, endpoint, mapping_id, event_id, message_id, action, ordering_key, is_barrier,
                  batch_key, payload, run_at, first_enqueued_at)
SELECT t.destination_id, t.endpoint, t.mapping_id, t.event_id, t.message_id, t.action, t.ordering_key,
       t.is_barrier, t.batch_key, t.payload, t.run_at, $1
FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::boolean[],
            $10::text[], $11::text[], $12::bigint[])
     WITH ORDINALITY AS t(destination_id, endpoint, mapping_id, event_id, message_id, action, ordering_key,
                          is_barrier, batch_key, payload, run_at, n)
ORDER BY t.n
RETURNING id`

/** One array per column (outcome rows written directly: routing failures, recordOutcomes). */
export const INSERT_OUTCOMES = `
INSERT INTO outcomes (at, outcome, destination_id, mapping_id, action, event_id, message_id, user_key, job_id,
                      status_code, error_code, error_message)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[],
                     $8::text[], $9::bigint[], $10::integer[], $11::text[], $12::text[])`
