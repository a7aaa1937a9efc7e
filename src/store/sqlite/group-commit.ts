// Group commit: writes that arrive in the same turn of the event loop (several ingest requests, a
// worker settling jobs one by one, attempts being logged) share one transaction. In WAL mode every
// commit appends each page it changed to the WAL, so one commit for many small writes saves most of
// the I/O. Each write runs in its own savepoint: one that throws rolls back alone and rejects only
// its own caller. A caller's promise settles after the commit, so an acknowledged write is durable.
import type Database from 'better-sqlite3'
import type { WriteLock } from './write-lock.js'

/** Longest a `soon` write waits for company before its commit. */
export const LINGER_MS = 3

interface Pending {
  run: () => unknown
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown }

export class GroupCommit {
  readonly #db: Database.Database
  readonly #savepoint: (run: () => unknown) => unknown
  readonly #commit: Database.Transaction<(batch: Pending[], settled: Settled[]) => void>
  #pending: Pending[] = []
  /** A flush is due at the next turn (`immediate`) or when the linger timer fires (`timer`). */
  #scheduled: 'immediate' | 'timer' | null = null
  #timer: NodeJS.Timeout | null = null

  readonly #lock: WriteLock | null

  constructor(db: Database.Database, lock: WriteLock | null = null) {
    this.#db = db
    this.#lock = lock
    // Inside an open transaction better-sqlite3 runs a transaction function as a SAVEPOINT.
    this.#savepoint = db.transaction((run: () => unknown) => run())
    this.#commit = db.transaction((batch: Pending[], settled: Settled[]) => {
      for (const item of batch) {
        try {
          settled.push({ ok: true, value: this.#savepoint(item.run) })
        } catch (error) {
          settled.push({ ok: false, error })
        }
      }
    })
  }

  /** Queues `run` for the next group commit (next turn); resolves with its result once committed. */
  run<R>(run: () => R): Promise<R> {
    return this.#queue(run, false)
  }

  /**
   * Like `run`, for writes nobody is waiting to acknowledge (settling delivered jobs, logs): the
   * commit may wait up to LINGER_MS for more of them, or for the next `run`, which takes them along.
   * A commit costs far more than a small write, and deliveries answer one by one.
   */
  soon<R>(run: () => R): Promise<R> {
    return this.#queue(run, true)
  }

  #queue<R>(run: () => R, linger: boolean): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ run, resolve: resolve as (value: unknown) => void, reject })
      if (this.#scheduled === 'immediate') return
      if (!linger) {
        if (this.#timer !== null) clearTimeout(this.#timer)
        this.#timer = null
        this.#scheduled = 'immediate'
        setImmediate(() => this.flush())
      } else if (this.#scheduled === null) {
        this.#scheduled = 'timer'
        this.#timer = setTimeout(() => this.flush(), LINGER_MS)
      }
    })
  }

  /** Commits everything queued so far (also called before close). */
  flush(): void {
    this.#scheduled = null
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    const batch = this.#pending
    if (batch.length === 0) return
    this.#pending = []
    if (!this.#db.open) {
      const error = new Error('The store is closed')
      for (const item of batch) item.reject(error)
      return
    }
    const settled: Settled[] = []
    try {
      if (this.#lock === null) this.#commit.immediate(batch, settled)
      else this.#lock.hold(() => this.#commit.immediate(batch, settled))
    } catch (error) {
      for (const item of batch) item.reject(error)
      return
    }
    for (let i = 0; i < batch.length; i++) {
      const result = settled[i]
      if (result.ok) batch[i].resolve(result.value)
      else batch[i].reject(result.error)
    }
  }
}
