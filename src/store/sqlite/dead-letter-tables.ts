// Dead letters: listing by filter (cursor pages), replay (parked again as new receipts), and discard.
import { rowToDeadLetter, rowToDeadLetterGroup, type Row } from '../rows.js'
import type * as T from '../types.js'
import type { SqliteConnection } from './connection.js'

export class DeadLetterTables {
  readonly #dead

  constructor(readonly conn: SqliteConnection) {
    this.#dead = conn.q.dead
  }

  #filterParams(selector: T.ReplaySelector | { filter: T.DeadLetterFilter }): Record<string, unknown> {
    const f: T.DeadLetterFilter = 'filter' in selector ? selector.filter : {}
    return {
      ids: 'ids' in selector ? JSON.stringify(selector.ids) : null,
      destinationId: f.destinationId ?? null,
      mappingId: f.mappingId ?? null,
      from: f.from ?? null,
      to: f.to ?? null,
      code: f.code ?? null,
      reasonContains: f.reasonContains ?? null,
      reason: f.reason ?? null,
      fieldSet: f.field !== undefined ? 1 : 0,
      field: f.field ?? null,
      includeReplayed: 'ids' in selector || f.includeReplayed ? 1 : 0,
    }
  }

  async listDeadLetters(
    filter: T.DeadLetterFilter = {},
    page: { after?: number; limit?: number } = {},
  ): Promise<T.DeadLetterPage> {
    const limit = Math.max(1, page.limit ?? 100)
    const rows = this.#dead.LIST_DEAD_LETTERS.all({
      ...this.#filterParams({ filter }),
      after: page.after ?? 0,
      limit: limit + 1,
    }) as Row[]
    const items = rows.slice(0, limit).map(rowToDeadLetter)
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null }
  }

  async countDeadLetters(filter: T.DeadLetterFilter = {}): Promise<number> {
    const row = this.#dead.COUNT_DEAD_LETTERS.get(this.#filterParams({ filter })) as { n: number }
    return Number(row.n)
  }

  async groupDeadLetters(filter: T.DeadLetterFilter = {}, limit = 100): Promise<T.DeadLetterGroup[]> {
    const rows = this.#dead.GROUP_DEAD_LETTERS.all({ ...this.#filterParams({ filter }), limit }) as Row[]
    return rows.map(rowToDeadLetterGroup)
  }

  async getDeadLetter(id: number): Promise<T.DeadLetter | null> {
    const row = this.#dead.SELECT_DEAD_LETTER.get(id) as Row | undefined
    return row ? rowToDeadLetter(row) : null
  }

  async replayDeadLetters(selector: T.ReplaySelector, now = Date.now()): Promise<number> {
    const params = { ...this.#filterParams(selector), now, head: 0 }
    return this.conn.write(() => {
      params.head = Number((this.conn.q.ingest.LAST_EVENT_ID.get() as { id: number }).id)
      const inserted = this.#dead.REPLAY_DEAD_LETTERS.run(params).changes
      this.#dead.MARK_DEAD_LETTERS_REPLAYED.run(params)
      return inserted
    })
  }

  async discardDeadLetters(selector: T.ReplaySelector): Promise<number> {
    return this.#dead.DISCARD_DEAD_LETTERS.run(this.#filterParams(selector)).changes
  }
}
