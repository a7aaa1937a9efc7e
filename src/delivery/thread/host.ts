// ThreadedDelivery: ingest stores and routes on the calling (main) thread; a worker thread with its
// own store connection claims, sends and settles. The main thread's event loop then serves ingest
// without waiting behind delivery work, and delivery uses the second core. A thread that dies is
// started again; the jobs it held come back through the lease rules of its store.
import { Worker } from 'node:worker_threads'
import { pino, type Logger } from 'pino'
import type { NormalizedEvent } from '../../engine/event/index.js'
import type { StoreOptions } from '../../store/index.js'
import type { IngestResult, QueueKey, StoredEvent } from '../../store/types.js'
import type { Delivery, DestinationStatus, RerouteResult } from '../delivery.js'
import type { DeliveryObserver } from '../observer.js'
import type { DeliveryOptions } from '../options.js'
import type { RouterCompileProblem } from '../router.js'
import { DeliveryService, type DeliveryServiceOptions } from '../service.js'
import type { FromThread, ObserverCall, ThreadData, ToThread } from './messages.js'

export interface ThreadedDeliveryOptions extends Omit<DeliveryServiceOptions, 'onQueued' | 'routing'> {
  /** How the delivery thread opens its own connection to the same store. */
  storeOptions: StoreOptions
  /** The thread's script (default: entry.js beside this module, i.e. in dist/). */
  entry?: URL
  /** Wait before starting a thread that died again (default 1 s). */
  restartDelayMs?: number
  /** Nice value of the delivery thread (Linux), so ingest wins the CPU when both want it (default 10). */
  niceness?: number
  /** Collect the thread's garbage when its used heap passes this many MiB (default 48; 0 = off). */
  heapTrimMb?: number
}

interface PendingCall {
  resolve: () => void
  reject: (error: Error) => void
}

const STOP_GRACE_MS = 5000
/**
 * The delivery thread's SQLite page cache: it works on the newest pages of the queue. Pages beyond the
 * cache come from the OS's file cache, which is not the process's memory.
 */
const THREAD_CACHE_MB = 8

export class ThreadedDelivery implements Delivery {
  readonly #local: DeliveryService
  readonly #logger: Logger
  readonly #observer: DeliveryObserver
  readonly #data: ThreadData
  readonly #entry: URL
  readonly #restartDelayMs: number
  #worker: Worker | null = null
  #stopping = false
  #nextCall = 1
  readonly #calls = new Map<number, PendingCall>()
  #queued = new Map<string, QueueKey>()

  constructor(options: ThreadedDeliveryOptions) {
    const { storeOptions, entry, restartDelayMs, niceness, heapTrimMb, ...serviceOptions } = options
    this.#logger = options.logger ?? pino({ level: 'silent' })
    this.#observer = options.observer ?? {}
    this.#local = new DeliveryService({ ...serviceOptions, onQueued: (jobs) => this.#wake(jobs) })
    this.#entry = entry ?? new URL('./entry.js', import.meta.url)
    this.#restartDelayMs = restartDelayMs ?? 1000
    this.#data = {
      // The main connection runs the checkpoints; a Buffer key travels as text.
      store:
        storeOptions.kind === 'sqlite'
          ? {
              ...storeOptions,
              checkpoints: false,
              cacheMb: THREAD_CACHE_MB,
              ...secretKeyText(storeOptions.secretKey),
            }
          : { ...storeOptions, ...secretKeyText(storeOptions.secretKey) },
      delivery: this.#local.options,
      logLevel: this.#logger.level,
      niceness: niceness ?? 10,
      heapTrimMb: heapTrimMb ?? 48,
      ...(options.baseUrlOverride !== undefined ? { baseUrlOverride: options.baseUrlOverride } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    }
  }

  get options(): DeliveryOptions {
    return this.#local.options
  }

  get baseUrlOverride(): string | undefined {
    return this.#local.baseUrlOverride
  }

  destinations(): DestinationStatus[] {
    return this.#local.destinations()
  }

  async reload(): Promise<RouterCompileProblem[]> {
    const problems = await this.#local.reload()
    await this.#call({ method: 'reload' })
    return problems
  }

  async resume(destinationId: string): Promise<void> {
    await this.#local.resume(destinationId)
    await this.#call({ method: 'reload' })
  }

  accept(
    sourceId: string,
    events: readonly NormalizedEvent[],
    receivedAt: Date,
    sizes: readonly number[],
  ): Promise<IngestResult> {
    return this.#local.accept(sourceId, events, receivedAt, sizes)
  }

  /** Routed here on the main thread, like ingest; the jobs wake the delivery thread. */
  reroute(events: readonly StoredEvent[], destinationId?: string): Promise<RerouteResult> {
    return this.#local.reroute(events, destinationId)
  }

  wakeAll(): void {
    this.#post({ type: 'wake', queues: null })
  }

  async start(): Promise<void> {
    if (this.#worker !== null) return
    this.#stopping = false
    await this.#spawn()
  }

  async stop(timeoutMs = this.#local.options.shutdownTimeoutMs): Promise<void> {
    if (this.#stopping) return
    this.#stopping = true
    const worker = this.#worker
    if (worker !== null) {
      let timer: NodeJS.Timeout | undefined
      const stopped = this.#call({ method: 'stop', timeoutMs }).catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'delivery thread did not stop cleanly; its leases will expire')
      })
      await Promise.race([
        stopped,
        new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs + STOP_GRACE_MS))),
      ])
      clearTimeout(timer)
      this.#worker = null
      await worker.terminate()
    }
    await this.#local.stop(0)
  }

  /** Starts the thread and resolves once it delivers (or rejects with why it could not start). */
  #spawn(): Promise<void> {
    const worker = new Worker(this.#entry, { workerData: this.#data })
    this.#worker = worker
    return new Promise<void>((resolve, reject) => {
      let ready = false
      worker.on('message', (message: FromThread) => {
        if (message.type === 'ready') {
          ready = true
          resolve()
        } else this.#receive(message)
      })
      worker.on('error', (error) => {
        if (!ready) reject(error)
        else this.#logger.error({ err: error }, 'delivery thread failed')
      })
      worker.on('exit', (code) => {
        if (this.#worker === worker) this.#worker = null
        for (const call of this.#calls.values())
          call.reject(new Error(`delivery thread exited (code ${code})`))
        this.#calls.clear()
        if (!ready) reject(new Error(`delivery thread exited before it was ready (code ${code})`))
        else if (!this.#stopping) this.#restart(code)
      })
    })
  }

  #restart(code: number): void {
    this.#logger.error({ code }, 'delivery thread stopped unexpectedly; starting it again')
    setTimeout(() => {
      if (this.#stopping || this.#worker !== null) return
      this.#spawn().catch((error: unknown) => {
        this.#logger.error({ err: error }, 'delivery thread could not start again')
        this.#restart(1)
      })
    }, this.#restartDelayMs).unref()
  }

  #receive(message: FromThread): void {
    if (message.type === 'result') {
      const call = this.#calls.get(message.id)
      this.#calls.delete(message.id)
      if (message.error === undefined) call?.resolve()
      else call?.reject(new Error(message.error))
    } else if (message.type === 'observe') {
      for (const call of message.calls) this.#observe(call)
    } else if (message.type === 'log') {
      this.#relog(message.line)
    }
  }

  #observe(call: ObserverCall): void {
    if (call[0] === 'paused') this.#local.notePaused(call[1], call[2])
    const hook = this.#observer[call[0]] as ((...args: unknown[]) => void) | undefined
    hook?.call(this.#observer, ...call.slice(1))
  }

  /** A thread's log line goes through the main logger, so its level, redaction and output apply. */
  #relog(line: string): void {
    const {
      level,
      msg,
      time: _time,
      pid: _pid,
      hostname: _host,
      ...fields
    } = JSON.parse(line) as Record<string, unknown>
    const label = this.#logger.levels.labels[level as number] as pino.Level | undefined
    if (label === undefined) return
    this.#logger[label]({ ...fields, thread: 'delivery' }, typeof msg === 'string' ? msg : undefined)
  }

  /** The queues of this turn's new jobs, sent in one message (keys only, not the jobs). */
  #wake(jobs: readonly QueueKey[]): void {
    if (this.#queued.size === 0) setImmediate(() => this.#flushWake())
    for (const { destinationId, endpoint } of jobs) {
      const key = `${destinationId}\u0000${endpoint}`
      if (!this.#queued.has(key)) this.#queued.set(key, { destinationId, endpoint })
    }
  }

  #flushWake(): void {
    const queues = [...this.#queued.values()]
    this.#queued = new Map()
    if (queues.length > 0) this.#post({ type: 'wake', queues })
  }

  #post(message: ToThread): void {
    this.#worker?.postMessage(message)
  }

  /** A request the thread answers; without a running thread there is nothing to tell it. */
  #call(request: { method: 'reload' } | { method: 'stop'; timeoutMs: number }): Promise<void> {
    const worker = this.#worker
    if (worker === null) return Promise.resolve()
    const id = this.#nextCall++
    return new Promise<void>((resolve, reject) => {
      this.#calls.set(id, { resolve, reject })
      worker.postMessage({ type: 'call', id, ...request } satisfies ToThread)
    })
  }
}

function secretKeyText(key: Buffer | string | undefined): { secretKey?: string } {
  if (key === undefined) return {}
  return { secretKey: typeof key === 'string' ? key : key.toString('hex') }
}
