// Migration 010: a dead letter keeps the field Iterable named as its cause (a field type it
// refused), so triage can group dead letters by field. Older dead letters name none.
export default /* sql */ `
ALTER TABLE dead_letters ADD COLUMN field TEXT;
`
