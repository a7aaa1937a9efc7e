// The nodes sharing the store (SQLite): the one process of the data folder records its heartbeat as
// PostgreSQL's nodes do; appends come only from this process, which wakes its delivery itself.
import { rowToNode, type Row } from '../rows.js'
import type * as T from '../types.js'
import type { SqliteConnection } from './connection.js'

export class NodeTables {
  constructor(readonly conn: SqliteConnection) {}

  async heartbeat(node: T.NodeInfo, forgetAfterMs: number, now = Date.now()): Promise<void> {
    const sql = this.conn.q.nodes
    this.conn.write(() => {
      sql.UPSERT_NODE.run({ ...node, now })
      sql.FORGET_NODES.run(now - forgetAfterMs)
    })
    return Promise.resolve()
  }

  async leaveCluster(nodeId: string): Promise<void> {
    this.conn.write(() => this.conn.q.nodes.DELETE_NODE.run(nodeId))
    return Promise.resolve()
  }

  async markForgottenSeen(nodeId: string, revision: number): Promise<boolean> {
    return this.conn.write(() => this.conn.q.nodes.MARK_FORGOTTEN_SEEN.run(revision, nodeId).changes > 0)
  }

  async listNodes(): Promise<T.NodeRecord[]> {
    const rows = this.conn.q.nodes.SELECT_NODES.all() as Row[]
    return Promise.resolve(rows.map(rowToNode))
  }

  async watchAppends(): Promise<() => Promise<void>> {
    return Promise.resolve(() => Promise.resolve())
  }
}
