// Dead letters: listing with filters and a cursor, replay (parked again as new receipts) and
// discard, by ids or by filter.
import { rowToDeadLetter, rowToDeadLetterGroup } from '../rows.js'
import type * as T from '../types.js'
import { Q, type PgConnection } from './connection.js'

/** The statements' filter parameters ($1-$11), in order, for ids or a filter. */
function filterParams(selector: T.ReplaySelector): unknown[] {
  const f: T.DeadLetterFilter = 'filter' in selector ? selector.filter : {}
  const byIds = 'ids' in selector
  return [
    byIds ? selector.ids : null,
    f.destinationId ?? null,
    f.mappingId ?? null,
    f.from ?? null,
    f.to ?? null,
    f.code ?? null,
    f.reasonContains ?? null,
    byIds || Boolean(f.includeReplayed),
    f.reason ?? null,
    f.field !== undefined,
    f.field ?? null,
  ]
}

export class DeadLetterTables {
  constructor(readonly db: PgConnection) {}

  async listDeadLetters(
    filter: T.DeadLetterFilter = {},
    page: { after?: number; limit?: number } = {},
  ): Promise<T.DeadLetterPage> {
    const limit = Math.max(1, page.limit ?? 100)
    const rows = await this.db.rows(Q.dead.LIST_DEAD_LETTERS, [
      ...filterParams({ filter }),
      page.after ?? 0,
      limit + 1,
    ])
    const items = rows.slice(0, limit).map(rowToDeadLetter)
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null }
  }

  async countDeadLetters(filter: T.DeadLetterFilter = {}): Promise<number> {
    const rows = await this.db.rows(Q.dead.COUNT_DEAD_LETTERS, filterParams({ filter }))
    return Number(rows[0].n)
  }

  async groupDeadLetters(filter: T.DeadLetterFilter = {}, limit = 100): Promise<T.DeadLetterGroup[]> {
    const rows = await this.db.rows(Q.dead.GROUP_DEAD_LETTERS, [...filterParams({ filter }), limit])
    return rows.map(rowToDeadLetterGroup)
  }

  getDeadLetter(id: number): Promise<T.DeadLetter | null> {
    return this.db.one(Q.dead.SELECT_DEAD_LETTER, [id], rowToDeadLetter)
  }

  replayDeadLetters(selector: T.ReplaySelector, now = Date.now()): Promise<number> {
    return this.db.count(Q.dead.REPLAY_DEAD_LETTERS, [...filterParams(selector), now])
  }

  discardDeadLetters(selector: T.ReplaySelector): Promise<number> {
    return this.db.count(Q.dead.DISCARD_DEAD_LETTERS, filterParams(selector))
  }
}
