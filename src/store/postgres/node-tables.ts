// The nodes sharing the database (PostgreSQL): heartbeats for the cluster view, and the wake-ups
// ingest sends to every node (append-channel.ts).
import { rowToNode } from '../rows.js'
import type * as T from '../types.js'
import { listenForAppends } from './append-channel.js'
import { Q, type PgConnection } from './connection.js'

export class NodeTables {
  constructor(
    readonly db: PgConnection,
    readonly schema: string,
  ) {}

  async heartbeat(node: T.NodeInfo, forgetAfterMs: number, now = Date.now()): Promise<void> {
    await this.db.count(Q.nodes.UPSERT_NODE, [
      node.id,
      node.startedAt,
      now,
      node.host,
      node.pid,
      node.version,
    ])
    await this.db.count(Q.nodes.FORGET_NODES, [now - forgetAfterMs])
  }

  async leaveCluster(nodeId: string): Promise<void> {
    await this.db.count(Q.nodes.DELETE_NODE, [nodeId])
  }

  async markForgottenSeen(nodeId: string, revision: number): Promise<boolean> {
    return (await this.db.count(Q.nodes.MARK_FORGOTTEN_SEEN, [nodeId, revision])) > 0
  }

  async listNodes(): Promise<T.NodeRecord[]> {
    return (await this.db.rows(Q.nodes.SELECT_NODES, [])).map(rowToNode)
  }

  watchAppends(listener: () => void): Promise<() => Promise<void>> {
    return listenForAppends(this.db.pool.options, this.schema, listener)
  }
}
