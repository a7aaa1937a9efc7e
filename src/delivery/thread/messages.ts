// What the main thread and the delivery thread say to each other. Plain data (structured clone).
import type { StoreOptions } from '../../store/index.js'
import type { QueueKey } from '../../store/types.js'
import type { DeliveryObserver } from '../observer.js'
import type { DeliveryOptions } from '../options.js'

/** Everything the delivery thread needs to open its own store connection and deliver. */
export interface ThreadData {
  store: StoreOptions
  delivery: Partial<DeliveryOptions>
  baseUrlOverride?: string
  requestTimeoutMs?: number
  logLevel: string
  /** Nice value of the delivery thread relative to ingest's (Linux; 0 = same priority). */
  niceness: number
  /** Collect garbage when the thread's used heap passes this many MiB (0 = leave it to V8). */
  heapTrimMb: number
}

/** One observer hook call, forwarded so that metrics stay on the main thread. */
export type ObserverCall = {
  [K in keyof DeliveryObserver]-?: [K, ...Parameters<NonNullable<DeliveryObserver[K]>>]
}[keyof DeliveryObserver]

export type ToThread =
  /** Jobs were queued (`queues`), or look everywhere (`null`, e.g. after a replay). */
  | { type: 'wake'; queues: QueueKey[] | null }
  | { type: 'call'; id: number; method: 'reload' }
  | { type: 'call'; id: number; method: 'stop'; timeoutMs: number }

export type FromThread =
  | { type: 'ready' }
  | { type: 'result'; id: number; error?: string }
  | { type: 'observe'; calls: ObserverCall[] }
  /** A pino log line, logged again by the main thread's logger (with its redaction). */
  | { type: 'log'; line: string }
