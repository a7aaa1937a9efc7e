// Delivery of one destination (PostgreSQL): the cursor and its lease, the parked items, and the
// flush that writes a stretch of progress in one short transaction, fenced by the lease: its first
// statement moves the cursor only for the lease holder and keeps the cursor row locked until commit.
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
import { Q, type PgConnection, type Queryable, type Statement } from './connection.js'

/** Row sets as one array per column, in the order of the statements' unnest parameters ($2…). */
const PARKED = [
  'eventId',
  'ordinal',
  'position',
  'messageId',
  'mappingId',
  'action',
  'lane',
  'keys',
  'payload',
  'attempts',
  'firstEnqueuedAt',
  'runAt',
  'held',
  'waitingForUser',
  'lastError',
  'statusCode',
  'errorCode',
]
const DEAD_LETTERS = [
  'eventId',
  'ordinal',
  'messageId',
  'mappingId',
  'action',
  'lane',
  'keys',
  'payload',
  'attempts',
  'firstEnqueuedAt',
  'lastError',
  'reason',
  'code',
  'statusCode',
  'deadAt',
  'field',
]
const OUTCOMES = [
  'at',
  'outcome',
  'mappingId',
  'action',
  'eventId',
  'ordinal',
  'messageId',
  'userKey',
  'statusCode',
  'errorCode',
  'errorMessage',
  'payload',
]
const ATTEMPTS = [
  'at',
  'endpoint',
  'requestBody',
  'responseStatus',
  'responseBody',
  'durationMs',
  'jobCount',
  'error',
  'bytes',
  'firstEventId',
  'lastEventId',
  'eventIds',
]
const COUNTS = ['bucketStart', 'mappingId', 'action', 'outcome', 'count']

function columns(rows: readonly Record<string, unknown>[], keys: readonly string[]): unknown[][] {
  return keys.map((key) => rows.map((row) => row[key] ?? null))
}

/**
 * One row per item (one statement cannot upsert a row twice), as parking them one after the other
 * would leave it: the first park's item with the last park's retry state.
 */
function oneParkPerItem(items: readonly T.ParkedItem[]): T.ParkedItem[] {
  const byRef = new Map<string, T.ParkedItem>()
  for (const item of items) {
    const key = `${item.eventId}:${item.ordinal}`
    const first = byRef.get(key)
    byRef.set(key, first === undefined ? item : { ...first, ...retryState(item) })
  }
  return [...byRef.values()]
}

/** What parking an item that is already parked replaces (UPSERT_PARKED's DO UPDATE). */
function retryState(item: T.ParkedItem): Partial<T.ParkedItem> {
  const { attempts, runAt, held, waitingForUser, lastError, statusCode, errorCode } = item
  return { attempts, runAt, held, waitingForUser, lastError, statusCode, errorCode }
}

export class DeliveryTables {
  constructor(
    readonly db: PgConnection,
    readonly limits: T.StoreLimits,
  ) {}

  async openDelivery(
    destinationId: string,
    owner: string,
    options: T.OpenDeliveryOptions,
  ): Promise<T.DeliveryState | null> {
    const now = options.now ?? Date.now()
    const d = Q.delivery
    const project = options.project ?? null
    const values = [destinationId, owner, now + options.leaseMs, now, options.force === true, project]
    const [row] =
      project === null
        ? await this.db.rows(d.OPEN_DELIVERY, values)
        : await this.db.transaction(async (client) => {
            await this.db.rows(d.LOCK_PROJECT, [project], client)
            return this.db.rows(d.OPEN_DELIVERY, values, client)
          })
    if (row === undefined) return null
    const cursor = Number(row.position)
    const [parked, settled] = await Promise.all([
      this.db.rows(d.SELECT_PARKED, [destinationId]),
      this.db.rows(d.SELECT_SETTLED_AFTER, [destinationId, cursor]),
    ])
    return {
      cursor,
      items: parked.map(rowToParked),
      settled: settled.map((r) => ({ eventId: Number(r.event_id), ordinal: Number(r.ordinal) })),
    }
  }

  async renewDelivery(
    destinationId: string,
    owner: string,
    leaseMs: number,
    now = Date.now(),
  ): Promise<boolean> {
    return (await this.db.count(Q.delivery.RENEW_LEASE, [destinationId, owner, now + leaseMs, now])) > 0
  }

  async closeDelivery(destinationId: string, owner: string): Promise<void> {
    await this.db.count(Q.delivery.DROP_LEASE, [destinationId, owner])
  }

  async commitProgress(destinationId: string, owner: string, progress: T.DeliveryProgress): Promise<void> {
    const d = Q.delivery
    await this.db.transaction(async (client) => {
      const fenced = await this.db.count(
        d.ADVANCE_CURSOR,
        [destinationId, owner, progress.cursor ?? null, Date.now()],
        client,
      )
      if (fenced === 0) {
        throw new StoreError('not_owner', `Delivery of destination ${destinationId} is held by another owner`)
      }
      const write = (stmt: Statement, rows: readonly Record<string, unknown>[], keys: readonly string[]) =>
        rows.length === 0 ? null : this.#insert(stmt, destinationId, columns(rows, keys), client)
      const maxBody = this.limits.maxAttemptBodyBytes
      const park = oneParkPerItem(progress.park ?? []).map((item) => parkedParams(destinationId, item))
      // In this order, as SQLite does: an item both parked and unparked in one flush ends unparked.
      await write(d.UPSERT_PARKED, park, PARKED)
      const unpark = (progress.unpark ?? []).map(({ eventId, ordinal }) => ({ eventId, ordinal }))
      await write(d.DELETE_PARKED, unpark, ['eventId', 'ordinal'])
      await write(
        d.INSERT_DEAD_LETTERS,
        (progress.deadLetters ?? []).map((dead) => deadLetterParams(destinationId, dead)),
        DEAD_LETTERS,
      )
      await write(
        d.INSERT_OUTCOMES,
        (progress.outcomes ?? []).map((outcome) => outcomeParams(destinationId, outcome)),
        OUTCOMES,
      )
      await write(
        d.INSERT_ATTEMPTS,
        (progress.attempts ?? []).map((attempt) => attemptParams(destinationId, attempt, maxBody)),
        ATTEMPTS,
      )
      await write(d.ADD_OUTCOME_COUNTS, countParams(destinationId, progress.counts ?? []), COUNTS)
    })
  }

  async #insert(
    stmt: Statement,
    destinationId: string,
    arrays: unknown[][],
    client: Queryable,
  ): Promise<void> {
    await this.db.count(stmt, [destinationId, ...arrays], client)
  }

  async deliveryStats(): Promise<T.DeliveryStats[]> {
    const d = Q.delivery
    const [head, cursors, parked] = await Promise.all([
      this.db.rows(Q.ingest.LOG_HEAD, []),
      this.db.rows(d.SELECT_CURSORS, []),
      this.db.rows(d.SELECT_PARKED_STATS, []),
    ])
    const last = Number(head[0].id)
    const lanes = new Map<string, T.DeliveryStats['lanes']>()
    for (const r of parked) {
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
    return cursors.map((r: Row) => {
      const cursor = Number(r.position)
      return {
        destinationId: String(r.destination_id),
        cursor,
        // Ids are taken one transaction at a time: only rolled-back ingests leave gaps (an upper bound).
        behind: Math.max(0, last - cursor),
        oldestBehindAt: r.oldest_behind_at === null ? null : Number(r.oldest_behind_at),
        lanes: lanes.get(String(r.destination_id)) ?? [],
        owner: textOrNull(r.owner),
        leaseUntil: r.lease_until === null ? null : Number(r.lease_until),
      }
    })
  }
}
