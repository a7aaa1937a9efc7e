// Migration 011: the admin token of the store, one for every start and every node. Only its SHA-256
// (hex) and its last 4 characters (shown as `…abcd`) are kept: the token itself is printed once, when
// it is made, and cannot be read back. One row (id 1), replaced when the token is rotated.
export default /* sql */ `
CREATE TABLE admin_token (
  id         SMALLINT PRIMARY KEY CHECK (id = 1),
  hash       TEXT NOT NULL,
  hint       TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  rotated_at BIGINT NOT NULL
);
`
