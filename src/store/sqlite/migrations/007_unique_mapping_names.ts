// Migration 007: mapping names become unique per destination, ignoring case (the admin API, the UI
// and `apply` now refuse a clash). Databases that already hold duplicates keep the first (by
// position) and rename the others "X (2)", "X (3)" …; where that name is taken too (a mapping
// already called "x (2)"), the id's start is added: "X (2, 1a2b3c4d)". (006 is a PostgreSQL-only number.)
export default /* sql */ `
CREATE TEMP TABLE mapping_renames AS
  SELECT id,
    CASE WHEN EXISTS (SELECT 1 FROM mappings AS taken
                      WHERE taken.destination_id = ranked.destination_id
                        AND lower(taken.name) = lower(ranked.name || ' (' || ranked.n || ')'))
      THEN ranked.name || ' (' || ranked.n || ', ' || substr(ranked.id, 1, 8) || ')'
      ELSE ranked.name || ' (' || ranked.n || ')'
    END AS new_name
  FROM (
    SELECT id, destination_id, name,
      ROW_NUMBER() OVER (PARTITION BY destination_id, lower(name) ORDER BY position, created_at, id) AS n
    FROM mappings
  ) AS ranked
  WHERE n > 1;
UPDATE mappings
  SET name = (SELECT new_name FROM mapping_renames WHERE mapping_renames.id = mappings.id)
  WHERE id IN (SELECT id FROM mapping_renames);
DROP TABLE mapping_renames;
`
