// What the main thread and the delivery thread say to each other. Plain data (structured clone).
import type { StoreOptions } from '../../store/index.js'
import type { DeliveryObserver } from '../observer.js'
import type { DeliveryOptions } from '../options.js'

/** Everything the delivery thread needs to open its own store connection and run the engine. */
export interface ThreadData {
  store: StoreOptions
  delivery: DeliveryOptions
  owner: string
  baseUrlOverride?: string
  requestTimeoutMs?: number
  logLevel: string
  /** Collect garbage when the thread's used heap passes this many MiB (0 = leave it to V8). */
  heapTrimMb: number
}

/** One observer hook call, forwarded so that metrics stay on the main thread. */
export type ObserverCall = {
  [K in keyof DeliveryObserver]-?: [K, ...Parameters<NonNullable<DeliveryObserver[K]>>]
}[keyof DeliveryObserver]

export type EngineCall = 'reload' | 'refreshParked' | 'stop'

export type ToThread =
  /** New events were accepted: read the log. */
  { type: 'wake' } | { type: 'call'; id: number; method: EngineCall; timeoutMs?: number }

export type FromThread =
  | { type: 'ready' }
  | { type: 'result'; id: number; error?: string }
  | { type: 'observe'; calls: ObserverCall[] }
  /** A pino log line, logged again by the main thread's logger (with its redaction). */
  | { type: 'log'; line: string }
