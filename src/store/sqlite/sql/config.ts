// Configuration statements (SQLite): sources, destinations, mappings.

export const INSERT_SOURCE = `
INSERT INTO sources (id, name, write_key_hash, write_key_sealed, write_key_hint, created_at)
VALUES (@id, @name, @writeKeyHash, @writeKeySealed, @writeKeyHint, @createdAt)`
export const SELECT_SOURCE = `SELECT * FROM sources WHERE id = ?`
export const SELECT_SOURCES = `SELECT * FROM sources ORDER BY created_at, id`
export const SELECT_SOURCE_BY_KEY_HASH = `SELECT * FROM sources WHERE write_key_hash = ? AND revoked_at IS NULL`
export const REVOKE_SOURCE = `UPDATE sources SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL`
export const DELETE_SOURCE = `DELETE FROM sources WHERE id = ?`

export const INSERT_DESTINATION = `
INSERT INTO destinations (id, name, kind, settings, api_key_sealed, enabled, created_at, updated_at)
VALUES (@id, @name, @kind, @settings, @apiKeySealed, @enabled, @createdAt, @createdAt)`
export const SELECT_DESTINATION = `SELECT * FROM destinations WHERE id = ?`
export const SELECT_DESTINATIONS = `SELECT * FROM destinations ORDER BY created_at, id`
export const UPDATE_DESTINATION = `
UPDATE destinations
SET name = @name, settings = @settings, api_key_sealed = @apiKeySealed, enabled = @enabled, updated_at = @updatedAt
WHERE id = @id`
export const SET_DESTINATION_PAUSED = `
UPDATE destinations SET paused_reason = @reason, paused_since = @since, updated_at = @updatedAt WHERE id = @id`
export const DELETE_DESTINATION = `DELETE FROM destinations WHERE id = ?`

export const INSERT_MAPPING = `
INSERT INTO mappings (id, destination_id, name, enabled, trigger_text, action, fields, batching, position, created_at, updated_at)
VALUES (@id, @destinationId, @name, @enabled, @trigger, @action, @fields, @batching,
        COALESCE(@position, (SELECT COALESCE(MAX(position) + 1, 0) FROM mappings WHERE destination_id = @destinationId)),
        @createdAt, @createdAt)`
export const SELECT_MAPPING = `SELECT * FROM mappings WHERE id = ?`
export const SELECT_MAPPINGS = `SELECT * FROM mappings ORDER BY destination_id, position, id`
export const SELECT_MAPPINGS_OF_DESTINATION = `SELECT * FROM mappings WHERE destination_id = ? ORDER BY position, id`
export const COUNT_MAPPINGS = `SELECT COUNT(*) AS n FROM mappings WHERE destination_id = ?`
export const UPDATE_MAPPING = `
UPDATE mappings
SET name = @name, enabled = @enabled, trigger_text = @trigger, action = @action, fields = @fields,
    batching = @batching, position = @position, updated_at = @updatedAt
WHERE id = @id`
export const DELETE_MAPPING = `DELETE FROM mappings WHERE id = ?`
