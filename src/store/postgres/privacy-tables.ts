// Forgotten users (salted hashes), deleting one user's data, and the privacy audit (PostgreSQL).
import { randomBytes } from 'node:crypto'
import { FORGET_SALT, mentionNeedles, rowToPrivacyRecord } from '../privacy-rows.js'
import type * as T from '../types.js'
import { Q, type PgConnection } from './connection.js'

export class PrivacyTables {
  constructor(readonly db: PgConnection) {}

  async forgetSalt(): Promise<string> {
    const found = await this.db.rows(Q.privacy.SELECT_SALT, [FORGET_SALT])
    if (found.length > 0) return String(found[0].value)
    // Two nodes may race: the first insert wins and both read it back.
    await this.db.count(Q.privacy.INSERT_SALT, [FORGET_SALT, randomBytes(32).toString('hex')])
    return String((await this.db.rows(Q.privacy.SELECT_SALT, [FORGET_SALT]))[0].value)
  }

  async addForgotten(hashes: string[], at = Date.now()): Promise<number> {
    if (hashes.length === 0) return 0
    return this.db.transaction(async (client) => {
      const added = await this.db.count(Q.privacy.INSERT_FORGOTTEN, [hashes, at], client)
      if (added > 0) await this.db.count(Q.privacy.BUMP_FORGOTTEN_REVISION, [], client)
      return added
    })
  }

  async removeForgotten(hashes: string[]): Promise<number> {
    if (hashes.length === 0) return 0
    return this.db.transaction(async (client) => {
      const removed = await this.db.count(Q.privacy.DELETE_FORGOTTEN, [hashes], client)
      if (removed > 0) await this.db.count(Q.privacy.BUMP_FORGOTTEN_REVISION, [], client)
      return removed
    })
  }

  async forgottenRevision(): Promise<number> {
    return Number((await this.db.rows(Q.privacy.SELECT_FORGOTTEN_REVISION, []))[0].revision)
  }

  async listForgotten(): Promise<string[]> {
    return (await this.db.rows(Q.privacy.SELECT_FORGOTTEN, [])).map((r) => String(r.hash))
  }

  async deleteUserData(selector: T.UserDataSelector): Promise<T.UserDataDeleted> {
    const needles = mentionNeedles(selector.mentions)
    return this.db.transaction(async (client) => {
      const ids = (
        await this.db.rows(Q.privacy.SELECT_USER_EVENT_IDS, [selector.userKeys, needles], client)
      ).map((r) => Number(r.id))
      return {
        outcomes: await this.db.count(
          Q.privacy.DELETE_USER_OUTCOMES,
          [ids, selector.userKeys, needles],
          client,
        ),
        parked: await this.db.count(Q.privacy.DELETE_USER_PARKED, [ids, selector.orderingKeys], client),
        deadLetters: await this.db.count(
          Q.privacy.DELETE_USER_DEAD_LETTERS,
          [ids, selector.orderingKeys],
          client,
        ),
        attempts: await this.db.count(Q.privacy.DELETE_USER_ATTEMPTS, [needles], client),
        events: await this.db.count(Q.privacy.DELETE_EVENTS_BY_ID, [ids], client),
      }
    })
  }

  async recordPrivacyAction(record: T.NewPrivacyRecord): Promise<T.PrivacyRecord> {
    const rows = await this.db.rows(Q.privacy.INSERT_PRIVACY_ACTION, [
      record.at,
      record.action,
      record.subjectHash,
      record.outcome,
      JSON.stringify(record.projects),
      record.deleted === null ? null : JSON.stringify(record.deleted),
    ])
    return rowToPrivacyRecord(rows[0])
  }

  async listPrivacyActions(query: { before?: number; limit?: number } = {}): Promise<T.PrivacyRecord[]> {
    const rows = await this.db.rows(Q.privacy.SELECT_PRIVACY_ACTIONS, [
      query.before ?? null,
      query.limit ?? 100,
    ])
    return rows.map(rowToPrivacyRecord)
  }
}
