// ThreadedEngine: the delivery engine on a worker thread with its own store connection, so that
// ingest answers on the main thread never wait behind delivery work and delivery uses the second
// core. The thread's script is given by the caller (serve's composition hands it the routing). A
// thread that dies is started again; its destinations come back through their leases (at once on
// SQLite, where the restarted thread takes them over).
import { Worker } from 'node:worker_threads'
import type { Level, Logger } from 'pino'
import type { StoreOptions } from '../../store/index.js'
import type { EngineContext, EngineHandle } from '../service.js'
import type { EngineCall, FromThread, ObserverCall, ThreadData, ToThread } from './messages.js'

export interface ThreadedEngineOptions {
  /** How the delivery thread opens its own connection to the same store. */
  storeOptions: StoreOptions
  /** The thread's script: it calls runEngineThread (worker.ts) with a routing port. */
  entry: URL
  baseUrlOverride?: string
  requestTimeoutMs?: number
  /** Wait before starting a thread that died again (default 1 s). */
  restartDelayMs?: number
  /** Collect the thread's garbage when its used heap passes this many MiB (default 24; 0 = off). */
  heapTrimMb?: number
}

interface PendingCall {
  resolve: () => void
  reject: (error: Error) => void
}

const STOP_GRACE_MS = 5000
/**
 * The delivery thread's SQLite page cache: it works on the newest pages of the log. Pages beyond the
 * cache come from the OS's file cache, which is not the process's memory.
 */
const THREAD_CACHE_MB = 8
const THREAD_YOUNG_GENERATION_MB = 8

export class ThreadedEngine implements EngineHandle {
  readonly #context: EngineContext
  readonly #logger: Logger
  readonly #data: ThreadData
  readonly #entry: URL
  readonly #restartDelayMs: number
  #worker: Worker | null = null
  #stopping = false
  #nextCall = 1
  readonly #calls = new Map<number, PendingCall>()
  #wakePosted = false

  constructor(context: EngineContext, options: ThreadedEngineOptions) {
    this.#context = context
    this.#logger = context.logger
    this.#entry = options.entry
    this.#restartDelayMs = options.restartDelayMs ?? 1000
    const storeOptions = options.storeOptions
    this.#data = {
      // One connection runs the checkpoints: the main one, unless it was opened without them (then
      // this thread runs them on its own connection, and the process saves a checkpoint thread).
      // A Buffer key travels as text.
      store:
        storeOptions.kind === 'sqlite'
          ? {
              ...storeOptions,
              checkpoints: storeOptions.checkpoints === false ? 'inline' : false,
              cacheMb: THREAD_CACHE_MB,
              ...secretKeyText(storeOptions.secretKey),
            }
          : { ...storeOptions, ...secretKeyText(storeOptions.secretKey) },
      delivery: context.options,
      owner: context.owner,
      logLevel: this.#logger.level,
      heapTrimMb: options.heapTrimMb ?? 24,
      ...(options.baseUrlOverride !== undefined ? { baseUrlOverride: options.baseUrlOverride } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    }
  }

  async start(): Promise<void> {
    if (this.#worker !== null) return
    this.#stopping = false
    await this.#spawn()
  }

  reload(): Promise<void> {
    return this.#call('reload')
  }

  refreshParked(): Promise<void> {
    return this.#call('refreshParked')
  }

  /** One wake-up message per turn of the event loop, however many ingests it saw. */
  wake(): void {
    if (this.#wakePosted) return
    this.#wakePosted = true
    setImmediate(() => {
      this.#wakePosted = false
      this.#worker?.postMessage({ type: 'wake' } satisfies ToThread)
    })
  }

  async stop(timeoutMs = this.#context.options.shutdownTimeoutMs): Promise<void> {
    if (this.#stopping) return
    this.#stopping = true
    const worker = this.#worker
    if (worker === null) return
    let timer: NodeJS.Timeout | undefined
    const stopped = this.#call('stop', timeoutMs).catch((error: unknown) => {
      this.#logger.warn(
        { err: error },
        'delivery thread did not stop cleanly; its leases expire by themselves',
      )
    })
    await Promise.race([
      stopped,
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs + STOP_GRACE_MS))),
    ])
    clearTimeout(timer)
    this.#worker = null
    await worker.terminate()
  }

  /** Starts the thread and resolves once it runs (or rejects with why it could not start). */
  #spawn(): Promise<void> {
    // A small young generation: the thread's garbage is short-lived, and V8's default (up to 48 MB
    // per isolate) is memory the process keeps (measured: 11 MB less peak RSS, no more CPU).
    const worker = new Worker(this.#entry, {
      workerData: this.#data,
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
    })
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
    // The new thread takes the destinations of the old one over (same owner name).
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
    const observer = this.#context.observer as Record<
      ObserverCall[0],
      ((...args: unknown[]) => void) | undefined
    >
    observer[call[0]]?.(...call.slice(1))
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
    const label = this.#logger.levels.labels[level as number] as Level | undefined
    if (label === undefined) return
    this.#logger[label]({ ...fields, thread: 'delivery' }, typeof msg === 'string' ? msg : undefined)
  }

  /** A request the thread answers; without a running thread there is nothing to tell it. */
  #call(method: EngineCall, timeoutMs?: number): Promise<void> {
    const worker = this.#worker
    if (worker === null) return Promise.resolve()
    const id = this.#nextCall++
    return new Promise<void>((resolve, reject) => {
      this.#calls.set(id, { resolve, reject })
      worker.postMessage({
        type: 'call',
        id,
        method,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      } satisfies ToThread)
    })
  }
}

function secretKeyText(key: Buffer | string | undefined): { secretKey?: string } {
  if (key === undefined) return {}
  return { secretKey: typeof key === 'string' ? key : key.toString('hex') }
}
