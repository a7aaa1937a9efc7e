// Retention (PostgreSQL): deletes old events (never undelivered ones, after `keepAfter`), dedupe
// keys, revisions no event carries, outcomes, counters and attempts by age and by size/row caps, in
// chunks so that no statement holds locks for long.
import type * as T from '../types.js'
import { Q, type PgConnection, type Statement } from './connection.js'

const PRUNE_CHUNK = 5000

export class Retention {
  constructor(
    readonly db: PgConnection,
    readonly limits: T.StoreLimits,
  ) {}

  /** Runs a chunked delete ($1 = the chunk size, then `params`) until a chunk comes back short. */
  async #deleteInChunks(stmt: Statement, params: unknown[]): Promise<number> {
    let total = 0
    for (;;) {
      const changes = await this.db.count(stmt, [PRUNE_CHUNK, ...params])
      total += changes
      if (changes < PRUNE_CHUNK) return total
    }
  }

  async #cutoffId(stmt: Statement, limit: number): Promise<number | null> {
    const [row] = await this.db.rows(stmt, [limit])
    return row === undefined ? null : Number(row.id)
  }

  async prune(options: T.PruneOptions = {}): Promise<T.PruneResult> {
    const now = options.now ?? Date.now()
    const keepAfter = options.keepAfter ?? Number.MAX_SAFE_INTEGER
    const p = Q.prune
    const l = this.limits
    let events = await this.#deleteInChunks(p.CHUNK_DELETE_EVENTS_BEFORE, [
      now - l.eventRetentionMs,
      keepAfter,
    ])
    const sizeCut = await this.#cutoffId(p.EVENTS_SIZE_CUTOFF_ID, l.maxEventBytes)
    if (sizeCut !== null)
      events += await this.#deleteInChunks(p.CHUNK_DELETE_EVENTS_UP_TO_ID, [sizeCut, keepAfter])
    await this.db.count(p.DELETE_UNUSED_REVISIONS, [])

    let dedupeKeys = await this.#deleteInChunks(p.CHUNK_DELETE_DEDUPE_KEYS, [
      now - Math.max(l.dedupeWindowMs, l.eventRetentionMs),
      keepAfter,
    ])
    if (sizeCut !== null) {
      // Only keys of events the size cap really removed: those after keepAfter are still stored.
      dedupeKeys += await this.#deleteInChunks(p.CHUNK_DELETE_DEDUPE_KEYS_OF_PRUNED_EVENTS, [
        now - l.dedupeWindowMs,
        Math.min(sizeCut, keepAfter),
      ])
    }

    let outcomes = await this.#deleteInChunks(p.CHUNK_DELETE_OUTCOMES_BEFORE, [now - l.outcomeRetentionMs])
    const rowCut = await this.#cutoffId(p.OUTCOMES_ROWS_CUTOFF_ID, l.maxOutcomeRows)
    if (rowCut !== null) outcomes += await this.#deleteInChunks(p.CHUNK_DELETE_OUTCOMES_UP_TO_ID, [rowCut])

    await this.db.count(p.DELETE_OUTCOME_COUNTS_BEFORE, [now - l.outcomeRetentionMs])

    let attempts = await this.#deleteInChunks(p.CHUNK_DELETE_ATTEMPTS_BEFORE, [now - l.outcomeRetentionMs])
    const attemptRowCut = await this.#cutoffId(p.ATTEMPTS_ROWS_CUTOFF_ID, l.maxAttemptRows)
    if (attemptRowCut !== null)
      attempts += await this.#deleteInChunks(p.CHUNK_DELETE_ATTEMPTS_UP_TO_ID, [attemptRowCut])
    const attemptByteCut = await this.#cutoffId(p.ATTEMPTS_BYTES_CUTOFF_ID, l.maxAttemptBytes)
    if (attemptByteCut !== null)
      attempts += await this.#deleteInChunks(p.CHUNK_DELETE_ATTEMPTS_UP_TO_ID, [attemptByteCut])

    return { events, dedupeKeys, outcomes, attempts }
  }
}
