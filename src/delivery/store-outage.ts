// Delivery while the store cannot take work (a full disk, a database restarting). Trying again at
// once would fail again a few milliseconds later, each failure logged. Instead every part of the
// engine that meets such a failure (a destination's read loop, its progress flushes, its lease
// renewal, the poll that starts deliveries) waits on one shared outage: it probes the store
// (Store.checkWritable, a cheap check) with growing delays, logs when it begins, at most once per
// interval while it lasts and when it ends, and lets every waiter go at the first probe that passes.
import type { Logger } from 'pino'
import type { Store } from '../store/types.js'
import { EveryInterval } from '../util/every-interval.js'

export interface StoreOutageOptions {
  /** Wait before the first probe (default 50 ms); doubles after each, up to maxDelayMs. */
  firstDelayMs: number
  /** Longest wait between two probes (default 1 s): how soon delivery resumes once the store writes. */
  maxDelayMs: number
  /** At most one warning per this interval, however often outages come and go (default 30 s). */
  logEveryMs: number
}

const DEFAULTS: StoreOutageOptions = { firstDelayMs: 50, maxDelayMs: 1000, logEveryMs: 30_000 }

export class StoreOutage {
  readonly #store: Pick<Store, 'checkWritable'>
  readonly #logger: Logger
  readonly #options: StoreOutageOptions
  #waiting: Promise<void> | null = null
  #delayMs: number
  readonly #warnings: EveryInterval
  #recoveredAt = -Infinity
  /** Ends the current wait's sleep early (stop). */
  #wakeSleep: (() => void) | null = null
  #stopped = false

  constructor(
    store: Pick<Store, 'checkWritable'>,
    logger: Logger,
    options: Partial<StoreOutageOptions> = {},
  ) {
    this.#store = store
    this.#logger = logger
    this.#options = { ...DEFAULTS, ...options }
    this.#delayMs = this.#options.firstDelayMs
    this.#warnings = new EveryInterval(this.#options.logEveryMs)
  }

  /** True while a wait is under way (the store failed and has not passed a probe since). */
  get active(): boolean {
    return this.#waiting !== null
  }

  /**
   * Resolves once the store takes writes again (or at once after `stop()`). `cause` is the failure
   * that showed the outage (for the log). Callers during one outage share one wait and one probe.
   */
  wait(cause: unknown): Promise<void> {
    if (this.#stopped) return Promise.resolve()
    this.#waiting ??= this.#probeUntilWritable(cause).finally(() => {
      this.#waiting = null
    })
    return this.#waiting
  }

  /** Ends the current wait without waiting for the store, and every later one at once (shutdown). */
  stop(): void {
    this.#stopped = true
    this.#wakeSleep?.()
  }

  async #probeUntilWritable(cause: unknown): Promise<void> {
    const started = Date.now()
    // An outage soon after the last one goes on with its backoff: a store that passes the probe
    // but still fails real writes (a nearly full disk) is then tried about once a second, not
    // hundreds of times.
    if (started - this.#recoveredAt > this.#options.logEveryMs) this.#delayMs = this.#options.firstDelayMs
    let warned = this.#warn(
      { reason: cause instanceof Error ? cause.message : String(cause) },
      'the store cannot take writes (full disk, or the database is away): delivery waits and probes it',
    )
    let probes = 0
    for (;;) {
      await this.#sleep(this.#delayMs)
      this.#delayMs = Math.min(this.#options.maxDelayMs, this.#delayMs * 2)
      if (this.#stopped) return
      const check = await this.#store.checkWritable()
      probes++
      if (check.ok) break
      warned =
        this.#warn(
          { reason: check.reason, waitingSeconds: seconds(Date.now() - started), probes },
          'the store still cannot take writes: delivery waits',
        ) || warned
    }
    this.#recoveredAt = Date.now()
    if (warned) {
      this.#logger.info(
        { waitedSeconds: seconds(this.#recoveredAt - started), probes },
        'the store takes writes again: delivery resumes',
      )
    }
  }

  /** Logs unless a warning was logged less than logEveryMs ago; true when it logged. */
  #warn(fields: Record<string, unknown>, message: string): boolean {
    const held = this.#warnings.pass()
    if (held === null) return false
    this.#logger.warn(held > 0 ? { ...fields, warningsNotLogged: held } : fields, message)
    return true
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms)
      function done(): void {
        clearTimeout(timer)
        resolve()
      }
      this.#wakeSleep = done
    }).finally(() => {
      this.#wakeSleep = null
    })
  }
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10
}
