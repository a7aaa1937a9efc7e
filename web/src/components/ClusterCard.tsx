// The cluster on the Overview: every node sharing the store (alive by its heartbeat, what it
// delivers) and the whole cluster's queue per destination and endpoint. Shown with several nodes
// (PostgreSQL); SQLite has one process and no heartbeat.
import { formatAge } from '../format'
import type { ClusterView } from '../types'

export function ClusterCard({ cluster, now }: { cluster: ClusterView; now: number }) {
  if (cluster.nodes.length === 0) return null
  const names = new Map(cluster.queues.map((q) => [q.destinationId, q.destinationName ?? q.destinationId]))
  const alive = cluster.nodes.filter((n) => n.alive).length
  return (
    <div class="card" data-testid="cluster">
      <h2>
        Cluster: {alive} of {cluster.nodes.length} nodes alive
      </h2>
      <table>
        <thead>
          <tr>
            <th>Node</th>
            <th>State</th>
            <th>Last heartbeat</th>
            <th>Delivers</th>
            <th>Version</th>
          </tr>
        </thead>
        <tbody>
          {cluster.nodes.map((n) => (
            <tr key={n.id}>
              <td>
                <code>
                  {n.host}:{n.pid}
                </code>
                {n.self ? ' (this node)' : ''}
              </td>
              <td>
                <span class={`badge ${n.alive ? 'on' : 'off'}`}>{n.alive ? 'alive' : 'dead'}</span>
              </td>
              <td>{formatAge(now - n.lastHeartbeatAt)} ago</td>
              <td>{n.owns.length === 0 ? '—' : n.owns.map((id) => names.get(id) ?? id).join(', ')}</td>
              <td>{n.version}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Queue</h3>
      {cluster.queues.length === 0 ? (
        <p>Nothing waiting.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Destination</th>
              <th>Endpoint</th>
              <th>Waiting</th>
              <th>Oldest</th>
              <th>Delivered by</th>
            </tr>
          </thead>
          <tbody>
            {cluster.queues.map((q) => {
              const owner = cluster.nodes.find((n) => n.id === q.owner)
              return (
                <tr key={`${q.destinationId} ${q.endpoint}`}>
                  <td>{q.destinationName ?? q.destinationId}</td>
                  <td>{q.endpoint === 'log' ? 'event log' : <code>{q.endpoint}</code>}</td>
                  <td>{q.depth}</td>
                  <td>{formatAge(q.oldestAgeMs)}</td>
                  <td>{owner === undefined ? 'no live node' : `${owner.host}:${owner.pid}`}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </div>
  )
}
