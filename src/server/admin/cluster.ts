// The cluster: GET /api/admin/cluster on any node reports every node sharing the store (alive by
// its heartbeat, what it delivers) and the whole cluster's queue.
import { readClusterView } from '../cluster-view.js'
import { answers } from './schemas.js'
import { Shapes } from './shapes/index.js'
import type { Resource } from './context.js'

export const clusterResource: Resource = (app, { store, delivery }) => {
  app.get(
    '/cluster',
    {
      schema: {
        summary:
          'The nodes sharing the store (alive, last heartbeat, deliveries held) and the cluster’s queue',
        tags: ['deliveries'],
        response: answers(200, Shapes.ClusterView),
      },
    },
    () => readClusterView(store, { nodeId: delivery.nodeId, leaseMs: delivery.options.leaseMs }),
  )
}
