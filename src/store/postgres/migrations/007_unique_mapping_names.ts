// Migration 007: mapping names become unique per destination, ignoring case (the admin API, the UI
// and `apply` now refuse a clash). Databases that already hold duplicates keep the first (by
// position) and rename the others "X (2)", "X (3)" …; where that name is taken too (a mapping
// already called "x (2)"), the id's start is added: "X (2, 1a2b3c4d)".
export default /* sql */ `
UPDATE mappings
  SET name = CASE
      WHEN EXISTS (SELECT 1 FROM mappings AS taken
                   WHERE taken.destination_id = renamed.destination_id
                     AND lower(taken.name) = lower(renamed.name || ' (' || renamed.n || ')'))
        THEN renamed.name || ' (' || renamed.n || ', ' || substr(renamed.id, 1, 8) || ')'
      ELSE renamed.name || ' (' || renamed.n || ')'
    END
  FROM (
    SELECT id, destination_id, name,
      ROW_NUMBER() OVER (PARTITION BY destination_id, lower(name) ORDER BY position, created_at, id) AS n
    FROM mappings
  ) AS renamed
  WHERE mappings.id = renamed.id AND renamed.n > 1;
`
