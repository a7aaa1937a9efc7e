// Configuration statements (PostgreSQL): sources, destinations, mappings.
import { LOG_HEAD_ID } from './log-head.js'

export const INSERT_SOURCE = `
INSERT INTO sources (id, name, write_key_hash, write_key_sealed, write_key_hint, created_at)
VALUES ($1, $2, $3, $4, $5, $6)`
export const SELECT_SOURCE = `SELECT * FROM sources WHERE id = $1`
export const SELECT_SOURCES = `SELECT * FROM sources ORDER BY created_at, id`
export const SELECT_SOURCE_BY_KEY_HASH = `SELECT * FROM sources WHERE write_key_hash = $1 AND revoked_at IS NULL`
export const REVOKE_SOURCE = `UPDATE sources SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`
export const DELETE_SOURCE = `DELETE FROM sources WHERE id = $1`

/** With its delivery cursor at the log head: every earlier event was received before it existed. */
export const INSERT_DESTINATION = `
WITH destination AS (
  INSERT INTO destinations (id, name, kind, settings, api_key_sealed, enabled, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
  RETURNING id
)
INSERT INTO delivery_cursors (destination_id, position, updated_at) SELECT id, ${LOG_HEAD_ID}, $7 FROM destination`
export const SELECT_DESTINATION = `SELECT * FROM destinations WHERE id = $1`
export const SELECT_DESTINATION_FOR_UPDATE = `SELECT * FROM destinations WHERE id = $1 FOR UPDATE`
export const SELECT_DESTINATIONS = `SELECT * FROM destinations ORDER BY created_at, id`
export const UPDATE_DESTINATION = `
UPDATE destinations SET name = $2, settings = $3, api_key_sealed = $4, enabled = $5, updated_at = $6
WHERE id = $1`
export const SET_DESTINATION_PAUSED = `
UPDATE destinations SET paused_reason = $2, paused_since = $3, updated_at = $4 WHERE id = $1`
/** With its mappings (cascade), its cursor and its parked items: nothing is left to send. */
export const DELETE_DESTINATION = `
WITH cursor AS (DELETE FROM delivery_cursors WHERE destination_id = $1),
parked AS (DELETE FROM parked_items WHERE destination_id = $1)
DELETE FROM destinations WHERE id = $1`

export const INSERT_MAPPING = `
INSERT INTO mappings (id, destination_id, name, enabled, trigger_text, action, fields, batching, position,
                      created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
        COALESCE($9::integer, (SELECT COALESCE(MAX(position) + 1, 0) FROM mappings WHERE destination_id = $2)),
        $10, $10)`
export const SELECT_MAPPING = `SELECT * FROM mappings WHERE id = $1`
export const SELECT_MAPPING_FOR_UPDATE = `SELECT * FROM mappings WHERE id = $1 FOR UPDATE`
export const SELECT_MAPPINGS = `SELECT * FROM mappings ORDER BY destination_id, position, id`
export const SELECT_MAPPINGS_OF_DESTINATION = `SELECT * FROM mappings WHERE destination_id = $1 ORDER BY position, id`
export const COUNT_MAPPINGS = `SELECT COUNT(*) AS n FROM mappings WHERE destination_id = $1`
export const UPDATE_MAPPING = `
UPDATE mappings
SET name = $2, enabled = $3, trigger_text = $4, action = $5, fields = $6, batching = $7, position = $8, updated_at = $9
WHERE id = $1`
export const DELETE_MAPPING = `DELETE FROM mappings WHERE id = $1`
