// Forgotten users (salted hashes), deleting one user's data, and the privacy audit (SQLite).
import { randomBytes } from 'node:crypto'
import { FORGET_SALT, mentionNeedles, rowToPrivacyRecord } from '../privacy-rows.js'
import type { Row } from '../rows.js'
import type * as T from '../types.js'
import type { SqliteConnection } from './connection.js'

export class PrivacyTables {
  constructor(readonly conn: SqliteConnection) {}

  async forgetSalt(): Promise<string> {
    const sql = this.conn.q.privacy
    const found = sql.SELECT_SALT.get(FORGET_SALT) as { value: string } | undefined
    if (found !== undefined) return found.value
    return this.conn.write(() => {
      sql.INSERT_SALT.run(FORGET_SALT, randomBytes(32).toString('hex'))
      return (sql.SELECT_SALT.get(FORGET_SALT) as { value: string }).value
    })
  }

  async addForgotten(hashes: string[], at = Date.now()): Promise<number> {
    if (hashes.length === 0) return 0
    const sql = this.conn.q.privacy
    return this.conn.write(() => {
      const added = sql.INSERT_FORGOTTEN.run({ hashes: JSON.stringify(hashes), at }).changes
      if (added > 0) sql.BUMP_FORGOTTEN_REVISION.run()
      return added
    })
  }

  async removeForgotten(hashes: string[]): Promise<number> {
    if (hashes.length === 0) return 0
    const sql = this.conn.q.privacy
    return this.conn.write(() => {
      const removed = sql.DELETE_FORGOTTEN.run(JSON.stringify(hashes)).changes
      if (removed > 0) sql.BUMP_FORGOTTEN_REVISION.run()
      return removed
    })
  }

  async forgottenRevision(): Promise<number> {
    return (this.conn.q.privacy.SELECT_FORGOTTEN_REVISION.get() as { revision: number }).revision
  }

  async listForgotten(): Promise<string[]> {
    return (this.conn.q.privacy.SELECT_FORGOTTEN.all() as { hash: string }[]).map((r) => r.hash)
  }

  async deleteUserData(selector: T.UserDataSelector): Promise<T.UserDataDeleted> {
    const sql = this.conn.q.privacy
    const keys = JSON.stringify(selector.userKeys)
    const needles = JSON.stringify(mentionNeedles(selector.mentions))
    const orderingKeys = JSON.stringify(selector.orderingKeys)
    // Deleted means gone from the file too. Every connection zeroes freed cells (secure_delete
    // FAST, open.ts); here whole freed pages are zeroed as well, and the WAL, which still holds the
    // earlier page images, is emptied once the zeroed pages are checkpointed into the database.
    const db = this.conn.db
    db.pragma('secure_delete = ON')
    try {
      return this.#deleteUserRows(sql, keys, needles, orderingKeys)
    } finally {
      db.pragma('secure_delete = FAST')
      // Busy while the other thread reads: then the WAL frames are overwritten as the WAL is reused.
      if (!db.memory) db.pragma('wal_checkpoint(TRUNCATE)')
    }
  }

  #deleteUserRows(
    sql: SqliteConnection['q']['privacy'],
    keys: string,
    needles: string,
    orderingKeys: string,
  ): T.UserDataDeleted {
    return this.conn.write(() => {
      const ids = JSON.stringify(
        (sql.SELECT_USER_EVENT_IDS.all({ keys, needles }) as { id: number }[]).map((r) => r.id),
      )
      return {
        outcomes: sql.DELETE_USER_OUTCOMES.run({ ids, keys, needles }).changes,
        parked: sql.DELETE_USER_PARKED.run({ ids, orderingKeys }).changes,
        deadLetters: sql.DELETE_USER_DEAD_LETTERS.run({ ids, orderingKeys }).changes,
        attempts: sql.DELETE_USER_ATTEMPTS.run({ needles }).changes,
        events: sql.DELETE_EVENTS_BY_ID.run(ids).changes,
      }
    })
  }

  async recordPrivacyAction(record: T.NewPrivacyRecord): Promise<T.PrivacyRecord> {
    const row = this.conn.write(
      () =>
        this.conn.q.privacy.INSERT_PRIVACY_ACTION.get({
          at: record.at,
          action: record.action,
          subjectHash: record.subjectHash,
          outcome: record.outcome,
          projects: JSON.stringify(record.projects),
          deleted: record.deleted === null ? null : JSON.stringify(record.deleted),
        }) as Row,
    )
    return rowToPrivacyRecord(row)
  }

  async listPrivacyActions(query: { before?: number; limit?: number } = {}): Promise<T.PrivacyRecord[]> {
    const rows = this.conn.q.privacy.SELECT_PRIVACY_ACTIONS.all({
      before: query.before ?? null,
      limit: query.limit ?? 100,
    }) as Row[]
    return rows.map(rowToPrivacyRecord)
  }
}
