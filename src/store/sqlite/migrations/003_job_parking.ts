// Migration 003: claims that stay cheap with a large backlog.
// - jobs_ready: a claim reads the unleased jobs of one queue in order of readiness (run_at, id), so
//   jobs waiting for a retry or leased by a worker are never walked over.
// - waiting_on: a job whose user still has an earlier pending Upsert User job (identify first) is
//   parked behind that job (run_at far in the future) instead of being checked again at every claim;
//   delivering or dead-lettering the barrier job makes it ready again (jobs_waiting).
export default /* sql */ `
ALTER TABLE jobs ADD COLUMN waiting_on INTEGER;
CREATE INDEX jobs_ready ON jobs (destination_id, endpoint, run_at, id) WHERE locked_until IS NULL;
CREATE INDEX jobs_waiting ON jobs (waiting_on) WHERE waiting_on IS NOT NULL;
`
