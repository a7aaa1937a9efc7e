// Group commit: writes that arrive in the same turn of the event loop (several ingest requests, a
// worker settling jobs one by one, attempts being logged) share one transaction. In WAL mode every
// commit appends each page it changed to the WAL, so one commit for many small writes saves most of
// the I/O. Each write runs in its own savepoint: one that throws rolls back alone and rejects only
// its own caller. A caller's promise settles after the commit, so an acknowledged write is durable.
import type Database from 'better-sqlite3'

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
  readonly #hold: <R>(fn: () => R) => R
  #pending: Pending[] = []
  /** A flush is due at the next turn. */
  #immediate = false
  /** Or when the linger of a `soon` write ends. */
  #timer: NodeJS.Timeout | null = null

  /** `hold` runs the commit (e.g. under a lock shared with another thread's connection). */
  constructor(db: Database.Database, hold: <R>(fn: () => R) => R = (fn) => fn()) {
    this.#db = db
    this.#hold = hold
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
      if (this.#immediate) return
      if (!linger) {
        this.#clearTimer()
        this.#immediate = true
        setImmediate(() => this.flush())
      } else if (this.#timer === null) {
        this.#timer = setTimeout(() => this.flush(), LINGER_MS)
      }
    })
  }

  /** Commits everything queued so far (also called before close). */
  flush(): void {
    this.#immediate = false
    this.#clearTimer()
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
      this.#hold(() => this.#commit.immediate(batch, settled))
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

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
  }
}
