// The cluster view's answer (GET /api/admin/cluster): the nodes sharing the store and the queue of
// the whole cluster.
import { Type, type Static } from '@sinclair/typebox'
import { Nullable } from './common.js'

export const ClusterNodeSchema = Type.Object({
  id: Type.String({ description: 'The node’s name in delivery leases' }),
  host: Type.String(),
  pid: Type.Integer(),
  version: Type.String(),
  startedAt: Type.Integer({ description: 'Epoch ms' }),
  lastHeartbeatAt: Type.Integer({ description: 'Epoch ms' }),
  alive: Type.Boolean({ description: 'Heartbeat younger than the delivery lease' }),
  self: Type.Boolean({ description: 'The node that answered' }),
  owns: Type.Array(Type.String(), { description: 'Destinations whose delivery lease it holds' }),
})

export const ClusterQueueSchema = Type.Object({
  destinationId: Type.String(),
  destinationName: Type.Union([Type.String(), Type.Null()]),
  endpoint: Type.String({
    description: '"log": events after the cursor; else parked items of that endpoint',
  }),
  depth: Type.Integer(),
  oldestAgeMs: Nullable(Type.Number()),
  owner: Type.Union([Type.String(), Type.Null()], { description: 'Node holding the lease, if live' }),
})

export const ClusterViewSchema = Type.Object({
  self: Type.String(),
  leaseMs: Type.Integer({ description: 'A node silent this long is dead; its deliveries are taken over' }),
  nodes: Type.Array(ClusterNodeSchema),
  queues: Type.Array(ClusterQueueSchema),
  totalDepth: Type.Integer(),
})

export type ClusterNode = Static<typeof ClusterNodeSchema>
export type ClusterQueue = Static<typeof ClusterQueueSchema>
export type ClusterView = Static<typeof ClusterViewSchema>
