// Migration 007: mapping names become unique per destination, ignoring case (the admin API, the UI
// and `apply` now refuse a clash). Databases that already hold duplicates keep the first (by
// position) and rename the others "X (2)", "X (3)" … (006 is a PostgreSQL-only number.)
export default /* sql */ `
CREATE TEMP TABLE mapping_renames AS
  SELECT id, name || ' (' || n || ')' AS new_name
  FROM (
    SELECT id, name,
      ROW_NUMBER() OVER (PARTITION BY destination_id, lower(name) ORDER BY position, created_at, id) AS n
    FROM mappings
  )
  WHERE n > 1;
UPDATE mappings
  SET name = (SELECT new_name FROM mapping_renames WHERE mapping_renames.id = mappings.id)
  WHERE id IN (SELECT id FROM mapping_renames);
DROP TABLE mapping_renames;
`
