// Migration 007: mapping names become unique per destination, ignoring case (the admin API, the UI
// and `apply` now refuse a clash). Databases that already hold duplicates keep the first (by
// position) and rename the others "X (2)", "X (3)" …
export default /* sql */ `
UPDATE mappings
  SET name = renamed.name || ' (' || renamed.n || ')'
  FROM (
    SELECT id, name,
      ROW_NUMBER() OVER (PARTITION BY destination_id, lower(name) ORDER BY position, created_at, id) AS n
    FROM mappings
  ) AS renamed
  WHERE mappings.id = renamed.id AND renamed.n > 1;
`
