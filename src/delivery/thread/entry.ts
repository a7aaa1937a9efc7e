// The delivery thread: its own store connection and a DeliveryService that claims, sends and settles
// jobs, so that ingest answers on the main thread never wait behind delivery work. Metrics and logs
// go back to the main thread; configuration reloads and wake-ups come from it.
import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { pino } from 'pino'
import { openStore } from '../../store/index.js'
import type { DeliveryObserver } from '../observer.js'
import { DeliveryService } from '../service.js'
import { trimHeap } from './heap-trim.js'
import type { FromThread, ObserverCall, ThreadData, ToThread } from './messages.js'

const port = parentPort
if (port === null) throw new Error('thread/entry.js runs as a worker thread')
const data = workerData as ThreadData
const post = (message: FromThread): void => port.postMessage(message)

const logger = pino({ level: data.logLevel }, { write: (line: string) => post({ type: 'log', line }) })
lowerPriority(data.niceness)
if (data.heapTrimMb > 0) trimHeap({ thresholdBytes: data.heapTrimMb * 1024 * 1024 })

// Observer calls travel together, at most every 50 ms: one message per call would cost the thread
// more than the calls themselves.
const FORWARD_EVERY_MS = 50
let calls: ObserverCall[] = []
function forward(call: ObserverCall): void {
  if (calls.length === 0) setTimeout(flushCalls, FORWARD_EVERY_MS)
  calls.push(call)
}
function flushCalls(): void {
  if (calls.length === 0) return
  post({ type: 'observe', calls })
  calls = []
}
const observer: Required<DeliveryObserver> = {
  received: (...args) => forward(['received', ...args]),
  routed: (...args) => forward(['routed', ...args]),
  failed: (...args) => forward(['failed', ...args]),
  delivered: (...args) => forward(['delivered', ...args]),
  retried: (...args) => forward(['retried', ...args]),
  deadLettered: (...args) => forward(['deadLettered', ...args]),
  request: (...args) => forward(['request', ...args]),
  paused: (...args) => forward(['paused', ...args]),
}

const store = await openStore(data.store)
const service = new DeliveryService({
  store,
  logger,
  observer,
  routing: false,
  delivery: data.delivery,
  ...(data.baseUrlOverride !== undefined ? { baseUrlOverride: data.baseUrlOverride } : {}),
  ...(data.requestTimeoutMs !== undefined ? { requestTimeoutMs: data.requestTimeoutMs } : {}),
})
await service.reload()
await service.start()

async function answer(message: Extract<ToThread, { type: 'call' }>): Promise<void> {
  try {
    if (message.method === 'reload') {
      await service.reload()
    } else {
      await service.stop(message.timeoutMs)
      flushCalls()
      await store.close()
    }
    post({ type: 'result', id: message.id })
  } catch (error) {
    post({ type: 'result', id: message.id, error: error instanceof Error ? error.message : String(error) })
  }
}

port.on('message', (message: ToThread) => {
  if (message.type === 'wake') {
    if (message.queues === null) service.wakeAll()
    else service.wakeQueues(message.queues)
  } else {
    void answer(message)
  }
})
post({ type: 'ready' })

/**
 * When both cores are busy, ingest (someone waits for its answer) should get the CPU before delivery
 * (which only drains a durable queue). Linux: a thread's own id from /proc/thread-self, then its nice
 * value. Elsewhere, or without permission, the thread keeps the process's priority.
 */
function lowerPriority(niceness: number): void {
  if (niceness <= 0) return
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, Math.min(19, niceness))
  } catch {
    // not Linux, or not allowed: same priority as ingest
  }
}
