// The cluster as the store knows it, for the admin API and /metrics of any node: every node with
// its heartbeat and the deliveries it holds, and every delivering destination's queue.
import type { Store } from '../store/types.js'
import type { ClusterView } from './admin/shapes/cluster.js'
import { queueRows } from './queue-rows.js'

export async function readClusterView(
  store: Store,
  self: { nodeId: string; leaseMs: number },
  now = Date.now(),
): Promise<ClusterView> {
  const [nodes, stats, destinations] = await Promise.all([
    store.listNodes(),
    store.deliveryStats(),
    store.listDestinations(),
  ])
  const names = new Map(destinations.map((d) => [d.id, d.name]))
  const delivering = new Set(destinations.filter((d) => d.enabled && d.hasApiKey).map((d) => d.id))
  const owners = new Map<string, string>()
  for (const s of stats) {
    if (s.owner !== null && s.leaseUntil !== null && s.leaseUntil > now) owners.set(s.destinationId, s.owner)
  }
  const rows = queueRows(stats.filter((s) => delivering.has(s.destinationId)))
  return {
    self: self.nodeId,
    leaseMs: self.leaseMs,
    nodes: nodes.map((node) => ({
      id: node.id,
      host: node.host,
      pid: node.pid,
      version: node.version,
      startedAt: node.startedAt,
      lastHeartbeatAt: node.heartbeatAt,
      alive: now - node.heartbeatAt < self.leaseMs,
      self: node.id === self.nodeId,
      owns: [...owners].filter(([, owner]) => owner === node.id).map(([id]) => id),
    })),
    queues: rows.map((row) => ({
      destinationId: row.destinationId,
      destinationName: names.get(row.destinationId) ?? null,
      endpoint: row.endpoint,
      depth: row.depth,
      oldestAgeMs: row.oldestAt === null ? null : now - row.oldestAt,
      owner: owners.get(row.destinationId) ?? null,
    })),
    totalDepth: rows.reduce((sum, row) => sum + row.depth, 0),
  }
}
