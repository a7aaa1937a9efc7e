// Delivery of one destination (SQLite): the cursor and its lease, the parked items, and the flush
// that writes a stretch of progress in one transaction, fenced by the lease.
import { StoreError } from '../errors.js'
import {
  attemptParams,
  countParams,
  deadLetterParams,
  outcomeParams,
  parkedParams,
  rowToParked,
  textOrNull,
  type Row,
} from '../rows.js'
import type * as T from '../types.js'
import type { SqliteConnection } from './connection.js'

export class DeliveryTables {
  readonly #sql

  constructor(
    readonly conn: SqliteConnection,
    readonly limits: T.StoreLimits,
  ) {
    this.#sql = conn.q.delivery
  }

  async openDelivery(
    destinationId: string,
    owner: string,
    options: T.OpenDeliveryOptions,
  ): Promise<T.DeliveryState | null> {
    const now = options.now ?? Date.now()
    const sql = this.#sql
    const cursor = this.conn.write(() => {
      const lease = {
        destinationId,
        owner,
        leaseUntil: now + options.leaseMs,
        now,
        force: options.force ? 1 : 0,
        project: options.project ?? null,
      }
      if (!options.force && lease.project !== null && sql.PROJECT_HELD.get(lease) !== undefined) return null
      const row = sql.SELECT_CURSOR.get(destinationId) as Row | undefined
      if (row === undefined) {
        const head = Number((this.conn.q.ingest.LAST_EVENT_ID.get() as { id: number }).id)
        sql.INSERT_CURSOR.run({ ...lease, position: head })
        return head
      }
      return sql.TAKE_LEASE.run(lease).changes === 0 ? null : Number(row.position)
    })
    if (cursor === null) return null
    const items = (sql.SELECT_PARKED.all(destinationId) as Row[]).map(rowToParked)
    const settled = (sql.SELECT_SETTLED_AFTER.all({ cursor, destinationId }) as Row[]).map((r) => ({
      eventId: Number(r.event_id),
      ordinal: Number(r.ordinal),
    }))
    return { cursor, items, settled }
  }

  async renewDelivery(
    destinationId: string,
    owner: string,
    leaseMs: number,
    now = Date.now(),
  ): Promise<boolean> {
    const params = { destinationId, owner, leaseUntil: now + leaseMs, now }
    return this.conn.group.run(() => this.#sql.RENEW_LEASE.run(params).changes > 0)
  }

  async closeDelivery(destinationId: string, owner: string): Promise<void> {
    await this.conn.group.run(() => this.#sql.DROP_LEASE.run(destinationId, owner))
  }

  async commitProgress(destinationId: string, owner: string, progress: T.DeliveryProgress): Promise<void> {
    const sql = this.#sql
    const maxBody = this.limits.maxAttemptBodyBytes
    await this.conn.group.run(() => {
      const now = Date.now()
      const fence = { destinationId, owner, position: progress.cursor ?? null, now }
      if (sql.ADVANCE_CURSOR.run(fence).changes === 0) {
        throw new StoreError('not_owner', `Delivery of destination ${destinationId} is held by another owner`)
      }
      for (const item of progress.park ?? []) sql.UPSERT_PARKED.run(parkedParams(destinationId, item))
      for (const ref of progress.unpark ?? []) sql.DELETE_PARKED.run(destinationId, ref.eventId, ref.ordinal)
      for (const dead of progress.deadLetters ?? [])
        sql.INSERT_DEAD_LETTER.run(deadLetterParams(destinationId, dead))
      for (const outcome of progress.outcomes ?? [])
        sql.INSERT_OUTCOME.run(outcomeParams(destinationId, outcome))
      for (const attempt of progress.attempts ?? [])
        sql.INSERT_ATTEMPT.run(attemptParams(destinationId, attempt, maxBody))
      for (const count of countParams(destinationId, progress.counts ?? [])) sql.ADD_OUTCOME_COUNT.run(count)
    })
  }

  async deliveryStats(): Promise<T.DeliveryStats[]> {
    const sql = this.#sql
    const head = Number((this.conn.q.ingest.LAST_EVENT_ID.get() as { id: number }).id)
    const lanes = new Map<string, T.DeliveryStats['lanes']>()
    for (const r of sql.SELECT_PARKED_STATS.all() as Row[]) {
      const destinationId = String(r.destination_id)
      const list = lanes.get(destinationId) ?? []
      list.push({
        lane: String(r.lane),
        retrying: Number(r.retrying),
        held: Number(r.held),
        oldestEnqueuedAt: r.oldest === null ? null : Number(r.oldest),
      })
      lanes.set(destinationId, list)
    }
    return (sql.SELECT_CURSORS.all() as Row[]).map((r) => {
      const cursor = Number(r.position)
      const first = cursor < head ? (sql.SELECT_FIRST_AFTER.get(cursor) as Row | undefined) : undefined
      return {
        destinationId: String(r.destination_id),
        cursor,
        // One writer and AUTOINCREMENT: ids after the cursor are consecutive (rolled-back ingests aside).
        behind: Math.max(0, head - cursor),
        oldestBehindAt: first === undefined ? null : Number(first.received_at),
        lanes: lanes.get(String(r.destination_id)) ?? [],
        owner: textOrNull(r.owner),
        leaseUntil: r.lease_until === null ? null : Number(r.lease_until),
      }
    })
  }
}
