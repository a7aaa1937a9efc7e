// A SQL fragment (not a statement): the log head, the highest event id known committed. Ingest
// commits ids in order (../ingest-tables.ts), so MAX(id) is safe; the cursors keep it from going
// back when retention has removed the newest events (a cursor only passes committed ids).
export const LOG_HEAD_ID = `GREATEST((SELECT COALESCE(MAX(id), 0) FROM events),
                (SELECT COALESCE(MAX(position), 0) FROM delivery_cursors))`
