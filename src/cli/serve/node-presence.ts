// A node's presence among the nodes sharing the store: its heartbeat in the nodes table (the cluster
// view tells live nodes from dead ones by it) and the wake-ups other nodes' ingest sends.
import { hostname } from 'node:os'
import type { Logger } from 'pino'
import type { Delivery } from '../../delivery/index.js'
import type { Store } from '../../store/index.js'
import { VERSION } from '../../version.js'

/** A node silent this long is dropped from the nodes table (its leases went to others long before). */
const FORGET_AFTER_MS = 60 * 60 * 1000

/** Heartbeats every third of the lease; resolves to a function that leaves the cluster. */
export async function joinCluster(
  store: Store,
  delivery: Delivery,
  logger: Logger,
): Promise<() => Promise<void>> {
  const node = {
    id: delivery.nodeId,
    startedAt: Date.now(),
    host: hostname(),
    pid: process.pid,
    version: VERSION,
  }
  let failing = false
  const beat = async (): Promise<void> => {
    try {
      await store.heartbeat(node, FORGET_AFTER_MS)
      if (failing) logger.info('node heartbeat written again')
      failing = false
    } catch (error) {
      if (!failing) logger.warn({ err: error }, 'could not write the node heartbeat')
      failing = true
    }
  }
  await beat()
  const timer = setInterval(() => void beat(), Math.max(100, Math.floor(delivery.options.leaseMs / 3)))
  timer.unref()
  const unwatch = await store.watchAppends(() => delivery.wakeAll())
  return async () => {
    clearInterval(timer)
    await unwatch()
    await store.leaveCluster(node.id).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not remove this node from the nodes table')
    })
  }
}
