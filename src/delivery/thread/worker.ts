// The delivery thread's side: its own store connection and a DeliveryEngine. Metrics and logs go
// back to the main thread; reloads, wake-ups and the stop come from it. The thread's script (in
// serve's composition) calls runEngineThread with the routing it hands delivery.
import { parentPort, workerData } from 'node:worker_threads'
import { pino } from 'pino'
import { openStore } from '../../store/index.js'
import { DeliveryEngine } from '../engine.js'
import type { DeliveryObserver } from '../observer.js'
import type { RoutingPort } from '../routing-port.js'
import { trimHeap } from './heap-trim.js'
import type { FromThread, ObserverCall, ThreadData, ToThread } from './messages.js'

/** Observer calls travel together, at most every 50 ms: one message per call would cost more than the calls. */
const FORWARD_EVERY_MS = 50

export async function runEngineThread(routing: RoutingPort): Promise<void> {
  const port = parentPort
  if (port === null) throw new Error('runEngineThread runs on a worker thread')
  const data = workerData as ThreadData
  const post = (message: FromThread): void => port.postMessage(message)
  const logger = pino({ level: data.logLevel }, { write: (line: string) => post({ type: 'log', line }) })
  if (data.heapTrimMb > 0) trimHeap({ thresholdBytes: data.heapTrimMb * 1024 * 1024 })

  let calls: ObserverCall[] = []
  const flushCalls = (): void => {
    if (calls.length === 0) return
    post({ type: 'observe', calls })
    calls = []
  }
  const forward = (call: ObserverCall): void => {
    if (calls.length === 0) setTimeout(flushCalls, FORWARD_EVERY_MS)
    calls.push(call)
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
  const engine = new DeliveryEngine({
    store,
    routing,
    options: data.delivery,
    logger,
    observer,
    owner: data.owner,
    ...(data.baseUrlOverride !== undefined ? { baseUrlOverride: data.baseUrlOverride } : {}),
    ...(data.requestTimeoutMs !== undefined ? { requestTimeoutMs: data.requestTimeoutMs } : {}),
  })
  await engine.start()

  const answer = async (message: Extract<ToThread, { type: 'call' }>): Promise<void> => {
    try {
      if (message.method === 'reload') await engine.reload()
      else if (message.method === 'refreshParked') await engine.refreshParked()
      else {
        await engine.stop(message.timeoutMs)
        flushCalls()
        await store.close()
      }
      post({ type: 'result', id: message.id })
    } catch (error) {
      post({ type: 'result', id: message.id, error: error instanceof Error ? error.message : String(error) })
    }
  }
  port.on('message', (message: ToThread) => {
    if (message.type === 'wake') engine.wake()
    else void answer(message)
  })
  post({ type: 'ready' })
}
