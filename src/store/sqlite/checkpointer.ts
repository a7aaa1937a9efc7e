// WAL checkpoints on a worker thread. SQLite's automatic checkpoint runs inside the commit that
// crosses the threshold: that commit copies the WAL into the database file and fsyncs it, stalling
// the event loop (ingest answers, deliveries) for tens of milliseconds. A second connection on a
// worker thread runs PASSIVE checkpoints instead, which never block the writer, and a RESTART one
// when the WAL has grown past a size (steady writes never let a PASSIVE one finish, so the WAL would
// never be reset). If the thread fails, the writer's automatic checkpoints come back.
import type Database from 'better-sqlite3'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/** Automatic checkpoint threshold (pages) while no checkpoint thread runs. */
export const AUTO_CHECKPOINT_PAGES = 4000
/** WAL size past which the checkpoint thread restarts the WAL (default 64 MiB). */
export const WAL_RESTART_MB = 64

// Plain CommonJS run with `eval: true`: the same code under vitest (TypeScript sources) and in dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file, { fileMustExist: true })
db.pragma('busy_timeout = 5000')
db.pragma('wal_autocheckpoint = 0')
const run = () => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)')
    // Under steady writes a PASSIVE checkpoint never catches the writer, so the WAL is never reset
    // and its file grows without end. Past a size, RESTART copies the few frames left (writers wait
    // that long) so that the next commit starts the WAL from its beginning again.
    if (result.log > workerData.restartFrames) db.pragma('wal_checkpoint(RESTART)')
  } catch (error) {
    // A full disk passes: the next run tries again (falling back would move checkpoints into the
    // writer's commits for good).
    if (error && error.code === 'SQLITE_FULL') return
    parentPort.postMessage({ error: String(error && error.message || error) })
  }
}
const timer = setInterval(run, workerData.intervalMs)
parentPort.on('message', (message) => {
  if (message !== 'stop') return
  clearInterval(timer)
  db.close()
  parentPort.close()
})
`

export class Checkpointer {
  readonly #worker: Worker
  readonly #db: Database.Database
  #stopped = false

  private constructor(db: Database.Database, intervalMs: number, restartMb: number) {
    this.#db = db
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver,
        file: db.name,
        intervalMs,
        restartFrames: Math.floor(
          (restartMb * 1024 * 1024) / Number(db.pragma('page_size', { simple: true })),
        ),
      },
    })
    // A background helper: it must never keep the process alive.
    this.#worker.unref()
    this.#worker.on('error', () => this.#fallBack())
    this.#worker.on('exit', () => this.#fallBack())
    this.#worker.on('message', (message: { error?: string }) => {
      if (message.error !== undefined) this.#fallBack()
    })
  }

  /** Moves checkpoints of `db` (an open WAL database on a file) to a worker thread. */
  static start(db: Database.Database, intervalMs = 250, restartMb = WAL_RESTART_MB): Checkpointer {
    db.pragma('wal_autocheckpoint = 0')
    return new Checkpointer(db, intervalMs, restartMb)
  }

  /** Stops the thread (before the writer closes; the writer's close checkpoints what is left). */
  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    // While stopping, the thread keeps the process alive: with nothing else pending (a script whose
    // last step is closing the store) an unref'd wait would end the process in the middle of close.
    this.#worker.ref()
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()))
    this.#worker.postMessage('stop')
    let timer: NodeJS.Timeout | undefined
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))])
    clearTimeout(timer)
    await this.#worker.terminate()
  }

  #fallBack(): void {
    if (this.#stopped) return
    this.#stopped = true
    if (this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`)
    void this.#worker.terminate()
  }
}

/**
 * Checkpoints on the connection's own thread, for a connection whose thread can afford the pauses (the
 * delivery thread's: a PASSIVE checkpoint copies a few MiB every 250 ms): it saves the memory of a
 * checkpoint thread of its own (a V8 isolate, about 17 MB). Same PASSIVE-then-RESTART rule.
 */
export class InlineCheckpointer {
  readonly #timer: NodeJS.Timeout

  constructor(db: Database.Database, intervalMs = 250, restartMb = WAL_RESTART_MB) {
    db.pragma('wal_autocheckpoint = 0')
    const restartFrames = Math.floor(
      (restartMb * 1024 * 1024) / Number(db.pragma('page_size', { simple: true })),
    )
    this.#timer = setInterval(() => {
      if (!db.open || db.inTransaction) return
      try {
        const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[]
        if (result.log > restartFrames) db.pragma('wal_checkpoint(RESTART)')
      } catch {
        // Busy or a full disk: the next run tries again.
      }
    }, intervalMs)
    this.#timer.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
  }
}
