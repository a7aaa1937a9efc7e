// One live-events listener: its filter, a bounded queue of server-sent-event frames, and the count
// of events it missed. A listener that reads slower than events arrive drops them (counted, and told
// how many in a `missed` frame) instead of growing memory; writes wait for the sink's 'drain'.
import { matchesLiveFilter, type LiveEvent, type LiveFilter } from './live-event.js'

/** Where frames go: the HTTP response (write returns false when its buffer is full). */
export interface LiveSink {
  write(chunk: string): boolean
  once(event: 'drain', listener: () => void): unknown
  end(): unknown
}

/** A server-sent event: `event:` name and one `data:` line of JSON. */
export function sseFrame(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`
}

export class LiveListener {
  readonly #queue: string[] = []
  #missed = 0
  /** The sink's buffer is full: frames wait in the queue until 'drain'. */
  #blocked = false
  #closed = false

  constructor(
    readonly filter: LiveFilter,
    private readonly sink: LiveSink,
    private readonly maxQueued: number,
  ) {}

  /** Queues the event if it passes the filter; a full queue drops it and counts it. */
  offer(event: LiveEvent): void {
    if (!matchesLiveFilter(event, this.filter)) return
    if (this.#queue.length >= this.maxQueued) {
      this.#missed++
      return
    }
    this.#reportMissed()
    this.#queue.push(sseFrame('event', event))
  }

  /** Events the hub skipped (it fell too far behind the log): every listener missed them. */
  skipped(count: number): void {
    this.#missed += count
  }

  /** Frames currently waiting (for tests and the bound). */
  get queued(): number {
    return this.#queue.length
  }

  /** Writes queued frames until the sink is full; a pending missed count goes out once there is room. */
  flush(): void {
    while (!this.#closed) {
      if (this.#queue.length === 0) {
        if (this.#missed === 0) return
        this.#reportMissed()
      }
      if (this.#blocked) return
      const frame = this.#queue.shift() as string
      if (!this.sink.write(frame)) {
        this.#blocked = true
        this.sink.once('drain', () => {
          this.#blocked = false
          this.flush()
        })
      }
    }
  }

  /** A comment line keeps proxies from closing an idle stream; skipped while the sink is full. */
  keepAlive(): void {
    if (!this.#blocked && !this.#closed) this.sink.write(': keep-alive\n\n')
  }

  /** Stops writing; `end` also ends the stream (the server shuts down). */
  close(end = false): void {
    this.#closed = true
    this.#queue.length = 0
    if (end) this.sink.end()
  }

  #reportMissed(): void {
    if (this.#missed === 0) return
    this.#queue.push(sseFrame('missed', { count: this.#missed }))
    this.#missed = 0
  }
}
