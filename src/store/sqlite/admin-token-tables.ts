// The store's admin token (SQLite): its hash and hint in one row. `serve` and a second process
// (`admin-token rotate`) may write it at once: each write is one IMMEDIATE transaction, and SQLite's
// file locks (busy timeout) order them.
import { rowToAdminToken, type Row } from '../rows.js'
import type * as T from '../types.js'
import type { SqliteConnection } from './connection.js'

export class AdminTokenTables {
  constructor(readonly conn: SqliteConnection) {}

  async getAdminToken(): Promise<T.AdminTokenRecord | null> {
    const row = this.conn.q.adminToken.SELECT_ADMIN_TOKEN.get() as Row | undefined
    return Promise.resolve(row === undefined ? null : rowToAdminToken(row))
  }

  async setAdminTokenIfAbsent(
    token: T.NewAdminToken,
    at = Date.now(),
  ): Promise<{ token: T.AdminTokenRecord; created: boolean }> {
    const sql = this.conn.q.adminToken
    return Promise.resolve(
      this.conn.write(() => {
        const created = sql.INSERT_ADMIN_TOKEN.run({ hash: token.hash, hint: token.hint, at }).changes === 1
        return { token: rowToAdminToken(sql.SELECT_ADMIN_TOKEN.get() as Row), created }
      }),
    )
  }

  async replaceAdminToken(token: T.NewAdminToken, at = Date.now()): Promise<T.AdminTokenRecord> {
    const sql = this.conn.q.adminToken
    return Promise.resolve(
      this.conn.write(() =>
        rowToAdminToken(sql.REPLACE_ADMIN_TOKEN.get({ hash: token.hash, hint: token.hint, at }) as Row),
      ),
    )
  }
}
