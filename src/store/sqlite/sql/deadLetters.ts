// Dead-letter statements (SQLite). One filter clause serves list, replay and discard; a null
// parameter means "no condition".

const FILTER = `
  (@ids IS NULL OR id IN (SELECT value FROM json_each(@ids)))
  AND (@destinationId IS NULL OR destination_id = @destinationId)
  AND (@mappingId IS NULL OR mapping_id = @mappingId)
  AND (@from IS NULL OR dead_at >= @from)
  AND (@to IS NULL OR dead_at < @to)
  AND (@code IS NULL OR code = @code)
  AND (@reasonContains IS NULL OR instr(reason, @reasonContains) > 0)
  AND (@reason IS NULL OR reason = @reason)
  AND (@fieldSet = 0 OR field IS @field)
  AND (@includeReplayed = 1 OR replayed_at IS NULL)`

export const LIST_DEAD_LETTERS = `
SELECT * FROM dead_letters WHERE ${FILTER} AND id > @after ORDER BY id LIMIT @limit`

export const COUNT_DEAD_LETTERS = `SELECT count(*) AS n FROM dead_letters WHERE ${FILTER}`

/** Alike dead letters, the largest groups first (then the oldest). */
export const GROUP_DEAD_LETTERS = `
SELECT destination_id, mapping_id, action, code, reason, field, count(*) AS n, min(dead_at) AS first_dead_at,
       max(dead_at) AS last_dead_at
FROM dead_letters WHERE ${FILTER}
GROUP BY destination_id, mapping_id, action, code, reason, field
ORDER BY n DESC, first_dead_at, min(id) LIMIT @limit`

export const SELECT_DEAD_LETTER = `SELECT * FROM dead_letters WHERE id = ?`

/**
 * Replay: parked again as new receipts (attempts 0, retry window from now), ordered after everything
 * received so far (position = the log head). An item already parked stays as it is.
 */
export const REPLAY_DEAD_LETTERS = `
INSERT INTO parked_items (destination_id, event_id, ordinal, position, message_id, mapping_id, action, lane,
                          ordering_keys, payload, attempts, first_enqueued_at, run_at, held)
SELECT destination_id, event_id, ordinal, @head, message_id, mapping_id, action, lane, ordering_keys, payload,
       0, @now, @now, 0
FROM dead_letters WHERE ${FILTER} AND replayed_at IS NULL ORDER BY id
ON CONFLICT (destination_id, event_id, ordinal) DO NOTHING`

export const MARK_DEAD_LETTERS_REPLAYED = `
UPDATE dead_letters SET replayed_at = @now WHERE ${FILTER} AND replayed_at IS NULL`

export const DISCARD_DEAD_LETTERS = `DELETE FROM dead_letters WHERE ${FILTER}`
