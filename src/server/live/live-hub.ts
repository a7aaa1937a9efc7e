// Live events for the admin API: while someone listens, new events are read from the stored log by
// id (after the cursor) and offered to each listener. Wake-ups: this node's ingest (`appended()`),
// the store's append notifications (PostgreSQL NOTIFY: events ingested on other nodes) and a slow
// poll as a safety net (replays, a lost notification). Nobody listening costs one size check per
// ingest request and nothing else: no reads, no timers, no LISTEN connection.
import type { Store } from '../../store/types.js'
import { liveEventOf, type LiveFilter } from './live-event.js'
import { LiveListener, type LiveSink } from './live-listener.js'

export interface LiveHubOptions {
  /** Poll the log this often while someone listens (default 2000 ms). */
  pollMs?: number
  /** Events per log read (default 500). */
  pageSize?: number
  /** Further behind the log head than this, the hub skips ahead (listeners are told; default 5000). */
  maxBehind?: number
  /** Frames waiting per listener before it drops events (default 500). */
  maxQueued?: number
  /** Keep-alive comment interval (default 15000 ms). */
  keepAliveMs?: number
  /** A failed log read (retried at the next wake-up). */
  onError?: (error: unknown) => void
}

interface Running {
  poll: NodeJS.Timeout
  keepAlive: NodeJS.Timeout
  unwatch: () => Promise<void>
}

export class LiveEventHub {
  readonly #listeners = new Set<LiveListener>()
  readonly #options: Required<Omit<LiveHubOptions, 'onError'>>
  #cursor = 0
  #running: Promise<Running> | null = null
  #reading: Promise<void> | null = null
  #readAgain = false

  constructor(
    private readonly store: Store,
    private readonly options: LiveHubOptions = {},
  ) {
    this.#options = {
      pollMs: options.pollMs ?? 2000,
      pageSize: options.pageSize ?? 500,
      maxBehind: options.maxBehind ?? 5000,
      maxQueued: options.maxQueued ?? 500,
      keepAliveMs: options.keepAliveMs ?? 15_000,
    }
  }

  get listeners(): number {
    return this.#listeners.size
  }

  /** Starts a listener at the log head; resolves to its unsubscribe function. */
  async subscribe(filter: LiveFilter, sink: LiveSink): Promise<() => void> {
    if (this.#running === null) {
      const starting = this.#start()
      this.#running = starting
      // A failed start (the log unreadable) is not kept: the next subscriber tries again.
      starting.catch(() => {
        if (this.#running === starting) this.#running = null
      })
    }
    await this.#running
    const listener = new LiveListener(filter, sink, this.#options.maxQueued)
    this.#listeners.add(listener)
    return () => {
      listener.close()
      this.#listeners.delete(listener)
      if (this.#listeners.size === 0) void this.#stop()
    }
  }

  /** This node appended events: read them now (a no-op while nobody listens). */
  appended(): void {
    if (this.#listeners.size === 0) return
    this.#wake()
  }

  /** Ends every stream and stops listening (server shutdown: open streams would hold it up). */
  async close(): Promise<void> {
    for (const listener of this.#listeners) listener.close(true)
    this.#listeners.clear()
    await this.#stop()
  }

  /** From the log head on, with notifications listened to before the first read. */
  async #start(): Promise<Running> {
    this.#cursor = await this.store.logHead()
    const unwatch = await this.store
      .watchAppends(() => this.#wake())
      .catch((error: unknown) => {
        // Without notifications the poll still finds other nodes' events.
        this.options.onError?.(error)
        return async () => {}
      })
    return {
      poll: setInterval(() => this.#wake(), this.#options.pollMs),
      keepAlive: setInterval(() => {
        for (const listener of this.#listeners) listener.keepAlive()
      }, this.#options.keepAliveMs),
      unwatch,
    }
  }

  async #stop(): Promise<void> {
    const starting = this.#running
    if (starting === null) return
    this.#running = null
    const running = await starting.catch(() => null)
    if (running === null) return
    clearInterval(running.poll)
    clearInterval(running.keepAlive)
    await running.unwatch()
  }

  /** One read at a time; a wake-up during a read makes it read once more. */
  #wake(): void {
    if (this.#reading !== null) {
      this.#readAgain = true
      return
    }
    this.#reading = this.#readNew()
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.#reading = null
        if (this.#readAgain && this.#listeners.size > 0) {
          this.#readAgain = false
          this.#wake()
        }
      })
  }

  async #readNew(): Promise<void> {
    const { pageSize, maxBehind } = this.#options
    const head = await this.store.logHead()
    if (head - this.#cursor > maxBehind) {
      // Reading everything would make listening cost as much as ingest: skip, and say so.
      const skipped = head - maxBehind - this.#cursor
      for (const listener of this.#listeners) listener.skipped(skipped)
      this.#cursor = head - maxBehind
    }
    while (this.#listeners.size > 0 && this.#cursor < head) {
      const page = await this.store.readLog(this.#cursor, pageSize)
      if (page.length === 0) break
      this.#cursor = page[page.length - 1].id
      const events = page.map(liveEventOf)
      for (const listener of this.#listeners) {
        for (const event of events) listener.offer(event)
        listener.flush()
      }
    }
  }
}
