// Dead-letter statements (PostgreSQL). One filter clause (parameters $1-$11) serves list, replay
// and discard; a null parameter means "no condition".
import { LOG_HEAD_ID } from './log-head.js'

const FILTER = `
  ($1::bigint[] IS NULL OR id = ANY($1::bigint[]))
  AND ($2::text IS NULL OR destination_id = $2)
  AND ($3::text IS NULL OR mapping_id = $3)
  AND ($4::bigint IS NULL OR dead_at >= $4)
  AND ($5::bigint IS NULL OR dead_at < $5)
  AND ($6::text IS NULL OR code = $6)
  AND ($7::text IS NULL OR strpos(reason, $7) > 0)
  AND ($8::boolean OR replayed_at IS NULL)
  AND ($9::text IS NULL OR reason = $9)
  AND (NOT $10::boolean OR field IS NOT DISTINCT FROM $11::text)`

/** Filter, then $12 after id, $13 limit. */
export const LIST_DEAD_LETTERS = `
SELECT * FROM dead_letters WHERE ${FILTER} AND id > $12 ORDER BY id LIMIT $13`

export const COUNT_DEAD_LETTERS = `SELECT count(*) AS n FROM dead_letters WHERE ${FILTER}`

/** Filter, then $12 limit: alike dead letters, the largest groups first. */
export const GROUP_DEAD_LETTERS = `
SELECT destination_id, mapping_id, action, code, reason, field, count(*) AS n, min(dead_at) AS first_dead_at,
       max(dead_at) AS last_dead_at
FROM dead_letters WHERE ${FILTER}
GROUP BY destination_id, mapping_id, action, code, reason, field
ORDER BY n DESC, first_dead_at, min(id) LIMIT $12`

export const SELECT_DEAD_LETTER = `SELECT * FROM dead_letters WHERE id = $1`

/**
 * Filter, then $12 now. Parks the dead letters again as new receipts (attempts 0, retry window from
 * now), ordered after everything received so far (position = the log head), and marks them replayed,
 * in one statement; a concurrent replay of the same ones waits on their row locks, then skips them.
 * An item already parked stays as it is.
 */
export const REPLAY_DEAD_LETTERS = `
WITH picked AS (
  UPDATE dead_letters SET replayed_at = $12 WHERE ${FILTER} AND replayed_at IS NULL RETURNING *
)
INSERT INTO parked_items (destination_id, event_id, ordinal, position, message_id, mapping_id, action, lane,
                          ordering_keys, payload, attempts, first_enqueued_at, run_at, held)
SELECT destination_id, event_id, ordinal, ${LOG_HEAD_ID}, message_id, mapping_id,
       action, lane, ordering_keys, payload, 0, $12, $12, FALSE
FROM picked ORDER BY id
ON CONFLICT (destination_id, event_id, ordinal) DO NOTHING`

export const DISCARD_DEAD_LETTERS = `DELETE FROM dead_letters WHERE ${FILTER}`
