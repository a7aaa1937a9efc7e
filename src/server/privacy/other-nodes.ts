// Several nodes on PostgreSQL: a forget goes on (deletes this service's copies, calls Iterable) only
// once every live node keeps the user out. Each node's configuration watch records the forgotten-set
// revision it has reloaded (nodes.forgotten_seen); this waits until every other live node has the
// revision that holds the user. A node whose heartbeat is older than the lease is dead: it neither
// ingests nor delivers (a node stops sending before its lease runs out), so it is not waited for.
import type { NodeRecord, Store } from '../../store/types.js'
import { AdminApiError } from '../admin/errors.js'

export interface OtherNodesOptions {
  /** This node (it reloads itself). */
  nodeId: string
  /** A node silent this long is dead. */
  leaseMs: number
  /** Give up after this long (default twice the lease). */
  timeoutMs?: number
  pollMs?: number
}

function describe(node: NodeRecord): string {
  return `${node.id} (${node.host}, pid ${node.pid})`
}

/** Resolves once every other live node has reloaded `revision`; a 503 `nodes_behind` after the timeout. */
export async function waitForOtherNodes(
  store: Store,
  revision: number,
  options: OtherNodesOptions,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 2 * options.leaseMs
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const now = Date.now()
    const behind = (await store.listNodes()).filter(
      (node) =>
        node.id !== options.nodeId &&
        now - node.heartbeatAt < options.leaseMs &&
        node.forgottenSeen < revision,
    )
    if (behind.length === 0) return
    if (now >= deadline) {
      throw new AdminApiError(
        503,
        'nodes_behind',
        `${behind.length} other node(s) did not take the change within ${Math.round(timeoutMs / 1000)} s: ` +
          `${behind.map(describe).join(', ')}. The user is in the forgotten set (every node keeps them out ` +
          'once it reloads), but nothing was deleted and Iterable was not called: run the same command again ' +
          'once those nodes answer, or stop them.',
      )
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200))
  }
}
