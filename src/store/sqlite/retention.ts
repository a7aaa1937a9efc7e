// Retention: deletes old events, dedupe keys, outcomes and attempts by age and by size/row caps, in
// chunks so that no statement holds the write lock for long.
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

  #deleteInChunks(stmt: Database.Statement, params: Record<string, unknown>): number {
    let total = 0
    for (;;) {
      const changes = stmt.run({ ...params, chunk: PRUNE_CHUNK }).changes
      total += changes
      if (changes < PRUNE_CHUNK) return total
    }
  }

  async prune(options: { now?: number } = {}): Promise<T.PruneResult> {
    const now = options.now ?? Date.now()
    const p = this.#prune
    const l = this.limits
    let events = this.#deleteInChunks(p.CHUNK_DELETE_EVENTS_BEFORE, { cutoff: now - l.eventRetentionMs })
    const sizeCut = p.EVENTS_SIZE_CUTOFF_ID.get({ maxBytes: l.maxEventBytes }) as { id: number } | undefined
    if (sizeCut) events += this.#deleteInChunks(p.CHUNK_DELETE_EVENTS_UP_TO_ID, { maxId: sizeCut.id })

    let dedupeKeys = this.#deleteInChunks(p.CHUNK_DELETE_DEDUPE_KEYS, {
      cutoff: now - Math.max(l.dedupeWindowMs, l.eventRetentionMs),
    })
    if (sizeCut) {
      dedupeKeys += this.#deleteInChunks(p.CHUNK_DELETE_DEDUPE_KEYS_OF_PRUNED_EVENTS, {
        cutoff: now - l.dedupeWindowMs,
        maxId: sizeCut.id,
      })
    }

    let outcomes = this.#deleteInChunks(p.CHUNK_DELETE_OUTCOMES_BEFORE, {
      cutoff: now - l.outcomeRetentionMs,
    })
    const rowCut = p.OUTCOMES_ROWS_CUTOFF_ID.get({ maxRows: l.maxOutcomeRows }) as { id: number } | undefined
    if (rowCut) outcomes += this.#deleteInChunks(p.CHUNK_DELETE_OUTCOMES_UP_TO_ID, { maxId: rowCut.id })

    let attempts = 0
    const attemptRowCut = p.ATTEMPTS_ROWS_CUTOFF_ID.get({ maxRows: l.maxAttemptRows }) as
      { id: number } | undefined
    if (attemptRowCut) attempts += p.DELETE_ATTEMPTS_UP_TO_ID.run({ maxId: attemptRowCut.id }).changes
    const attemptByteCut = p.ATTEMPTS_BYTES_CUTOFF_ID.get({ maxBytes: l.maxAttemptBytes }) as
      { id: number } | undefined
    if (attemptByteCut) attempts += p.DELETE_ATTEMPTS_UP_TO_ID.run({ maxId: attemptByteCut.id }).changes

    return { events, dedupeKeys, outcomes, attempts }
  }
}
