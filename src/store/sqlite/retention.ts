// Retention: deletes old events (never undelivered ones), dedupe keys, revisions no event needs,
// outcomes, counters and attempts by age and by size/row caps, in
// chunks so that no statement holds the write lock for long. Each chunk is its own transaction under
// the lock shared with the delivery thread's connection, and the event loop runs between chunks.
import { setImmediate as nextTurn } from 'node:timers/promises'
import type Database from 'better-sqlite3'
import type * as T from '../types.js'
import type { SqliteConnection } from './connection.js'

const PRUNE_CHUNK = 5000

export class Retention {
  readonly #prune

  constructor(
    readonly conn: SqliteConnection,
    readonly limits: T.StoreLimits,
  ) {
    this.#prune = conn.q.prune
  }

  async #deleteInChunks(stmt: Database.Statement, params: Record<string, unknown>): Promise<number> {
    let total = 0
    for (;;) {
      const changes = this.conn.write(() => stmt.run({ ...params, chunk: PRUNE_CHUNK }).changes)
      total += changes
      if (changes < PRUNE_CHUNK) return total
      await nextTurn()
    }
  }

  async prune(options: T.PruneOptions = {}): Promise<T.PruneResult> {
    const now = options.now ?? Date.now()
    const keepAfter = options.keepAfter ?? Number.MAX_SAFE_INTEGER
    const p = this.#prune
    const l = this.limits
    let events = await this.#deleteInChunks(p.CHUNK_DELETE_EVENTS_BEFORE, {
      cutoff: now - l.eventRetentionMs,
      keepAfter,
    })
    const sizeCut = p.EVENTS_SIZE_CUTOFF_ID.get({ maxBytes: l.maxEventBytes }) as { id: number } | undefined
    if (sizeCut) {
      events += await this.#deleteInChunks(p.CHUNK_DELETE_EVENTS_UP_TO_ID, { maxId: sizeCut.id, keepAfter })
    }
    this.conn.write(() => p.DELETE_UNUSED_REVISIONS.run())

    let dedupeKeys = await this.#deleteInChunks(p.CHUNK_DELETE_DEDUPE_KEYS, {
      cutoff: now - Math.max(l.dedupeWindowMs, l.eventRetentionMs),
      keepAfter,
    })
    if (sizeCut) {
      // Only keys of events the size cap really removed: those after keepAfter are still stored.
      dedupeKeys += await this.#deleteInChunks(p.CHUNK_DELETE_DEDUPE_KEYS_OF_PRUNED_EVENTS, {
        cutoff: now - l.dedupeWindowMs,
        maxId: Math.min(sizeCut.id, keepAfter),
      })
    }

    let outcomes = await this.#deleteInChunks(p.CHUNK_DELETE_OUTCOMES_BEFORE, {
      cutoff: now - l.outcomeRetentionMs,
    })
    const rowCut = p.OUTCOMES_ROWS_CUTOFF_ID.get({ maxRows: l.maxOutcomeRows }) as { id: number } | undefined
    if (rowCut) outcomes += await this.#deleteInChunks(p.CHUNK_DELETE_OUTCOMES_UP_TO_ID, { maxId: rowCut.id })

    this.conn.write(() => p.DELETE_OUTCOME_COUNTS_BEFORE.run({ cutoff: now - l.outcomeRetentionMs }))

    let attempts = await this.#deleteInChunks(p.CHUNK_DELETE_ATTEMPTS_BEFORE, {
      cutoff: now - l.outcomeRetentionMs,
    })
    const attemptRowCut = p.ATTEMPTS_ROWS_CUTOFF_ID.get({ maxRows: l.maxAttemptRows }) as
      { id: number } | undefined
    if (attemptRowCut)
      attempts += await this.#deleteInChunks(p.CHUNK_DELETE_ATTEMPTS_UP_TO_ID, { maxId: attemptRowCut.id })
    const attemptByteCut = p.ATTEMPTS_BYTES_CUTOFF_ID.get({ maxBytes: l.maxAttemptBytes }) as
      { id: number } | undefined
    if (attemptByteCut)
      attempts += await this.#deleteInChunks(p.CHUNK_DELETE_ATTEMPTS_UP_TO_ID, { maxId: attemptByteCut.id })

    return { events, dedupeKeys, outcomes, attempts }
  }
}
