// Configuration revisions (SQLite): append-only; the latest is the highest number.

export const INSERT_REVISION = `INSERT INTO config_revisions (created_at, config) VALUES (?, ?)`
export const SELECT_REVISION = `SELECT * FROM config_revisions WHERE revision = ?`
export const SELECT_LATEST_REVISION = `SELECT * FROM config_revisions ORDER BY revision DESC LIMIT 1`
