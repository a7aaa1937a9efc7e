// Configuration revisions (PostgreSQL): append-only; the latest is the highest number.

/** Taken first in the save transaction: nodes saving at once do not both append the same config. */
export const LOCK_REVISIONS = `LOCK TABLE config_revisions IN EXCLUSIVE MODE`
export const INSERT_REVISION = `INSERT INTO config_revisions (created_at, config) VALUES ($1, $2) RETURNING revision`
export const SELECT_REVISION = `SELECT * FROM config_revisions WHERE revision = $1`
export const SELECT_LATEST_REVISION = `SELECT * FROM config_revisions ORDER BY revision DESC LIMIT 1`
