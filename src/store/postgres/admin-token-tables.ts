// The store's admin token (PostgreSQL): its hash and hint in one row that every node reads.
import { rowToAdminToken } from '../rows.js'
import type * as T from '../types.js'
import { Q, type PgConnection } from './connection.js'

export class AdminTokenTables {
  constructor(readonly db: PgConnection) {}

  async getAdminToken(): Promise<T.AdminTokenRecord | null> {
    return this.db.one(Q.adminToken.SELECT_ADMIN_TOKEN, [], rowToAdminToken)
  }

  async setAdminTokenIfAbsent(
    token: T.NewAdminToken,
    at = Date.now(),
  ): Promise<{ token: T.AdminTokenRecord; created: boolean }> {
    // Nodes starting together: one insert wins; the others' wait for it to commit, insert nothing,
    // and read the winner's (a new statement sees what committed before it began).
    const created = (await this.db.count(Q.adminToken.INSERT_ADMIN_TOKEN, [token.hash, token.hint, at])) === 1
    const kept = await this.getAdminToken()
    // Only a rotation between the two statements could replace it, never remove it.
    if (kept === null) throw new Error('the admin token row vanished right after it was written')
    return { token: kept, created }
  }

  async replaceAdminToken(token: T.NewAdminToken, at = Date.now()): Promise<T.AdminTokenRecord> {
    const rows = await this.db.rows(Q.adminToken.REPLACE_ADMIN_TOKEN, [token.hash, token.hint, at])
    return rowToAdminToken(rows[0])
  }
}
