// Migration 005: a parked item Iterable refused because its user does not exist yet keeps that fact
// (`waiting_for_user`): after a restart, the user's later items that create users may still pass it.
export default /* sql */ `
ALTER TABLE parked_items ADD COLUMN waiting_for_user INTEGER NOT NULL DEFAULT 0;
`
