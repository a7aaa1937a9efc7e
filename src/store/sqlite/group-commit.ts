// Group commit: writes that arrive in the same turn of the event loop (several ingest requests, a
// worker settling jobs one by one, attempts being logged) share one transaction. In WAL mode every
// commit appends each page it changed to the WAL, so one commit for many small writes saves most of
// the I/O. Each write runs in its own savepoint: one that throws rolls back alone and rejects only
// its own caller. A caller's promise settles after the commit, so an acknowledged write is durable.
import type Database from 'better-sqlite3'

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
  #scheduled = false

  constructor(db: Database.Database) {
    this.#db = db
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

  /** Queues `run` for the next group commit; resolves with its result once committed. */
  run<R>(run: () => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ run, resolve: resolve as (value: unknown) => void, reject })
      if (!this.#scheduled) {
        this.#scheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  /** Commits everything queued so far (also called before close). */
  flush(): void {
    this.#scheduled = false
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
      this.#commit.immediate(batch, settled)
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
