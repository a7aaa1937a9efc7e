// Migration 003: a claim reads one queue's jobs in order of readiness (run_at, id), so jobs waiting
// for a retry are not walked over.
export default /* sql */ `
CREATE INDEX jobs_ready ON jobs (destination_id, endpoint, run_at, id);
`
