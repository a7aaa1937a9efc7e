// Migration 002: the outcome log keeps what was sent. `payload` is the job's payload (JSON text, as
// in `jobs.payload`) copied when a job's outcome is logged; NULL for rows written before this
// migration and for outcomes without a job (routing failures: nothing was sent).
export default /* sql */ `
ALTER TABLE outcomes ADD COLUMN payload TEXT;
`
