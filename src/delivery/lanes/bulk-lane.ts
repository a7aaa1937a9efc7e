// A lane of bulk requests (users/bulkUpdate, events/trackBulk): up to `bulkConcurrency` requests in
// flight. A body is built when a request may start (after the rate-limit token, so items that
// arrived meanwhile join): ready items of the first item's batch key, in order, and behind each the
// same user's next items for this lane (they may share a body, in order), up to the mapping's batch
// size and Iterable's 4 MB. Each item is settled by its own outcome in the answer.
import { BulkBodyBuilder, bulkBody, MAX_BULK_BYTES } from '../../iterable/bulk-body.js'
import {
  bulkOutcomes,
  screenedMismatchOutcome,
  type BulkItemOutcome,
  type BulkKind,
  type IterableOutcome,
} from '../../iterable/client/index.js'
import type { BulkTarget } from '../item.js'
import { bodyText, isListedNotFound, pausedState, type Failure } from '../settle.js'
import type { WorkItem } from '../work-item.js'
import { Lane } from './lane.js'

export class BulkLane extends Lane {
  /**
   * Bodies to send again before building new ones (after Iterable refused a field type), one at a
   * time: the halves of a split body may hold a user's items in order.
   */
  readonly #resend: WorkItem[][] = []
  #resending = false

  pump(): void {
    const limit = Math.max(1, this.host.options.bulkConcurrency)
    while (this.inFlight < limit && (this.#resendDue() || this.#bodyDue()) && this.canSend()) {
      this.inFlight++
      void this.#round()
        .catch((error: unknown) => this.host.logger.error({ err: error }, 'bulk request failed'))
        .finally(() => {
          this.inFlight--
          this.pump()
        })
    }
  }

  #resendDue(): boolean {
    return this.#resend.length > 0 && !this.#resending
  }

  /** A body is due when it would be full, when no more events wait in the log, or after the linger. */
  #bodyDue(): boolean {
    const first = this.peek()
    if (first === undefined) return false
    if (this.waiting >= bulkTarget(first).batchSize || !this.host.moreComing()) return true
    const lingered = Date.now() - this.readySince
    if (lingered >= this.host.options.lingerMs) return true
    this.pumpIn(this.host.options.lingerMs - lingered)
    return false
  }

  async #round(): Promise<void> {
    const runtime = this.host.runtime()
    await runtime.limiter.take(this.endpoint)
    const resend = this.#resending ? undefined : this.#resend.shift()
    const items = resend ?? this.#build()
    if (items.length === 0) return
    if (!this.host.active() || this.rest.resting) {
      this.giveBack(items)
      return
    }
    if (resend === undefined) return this.#send(items)
    this.#resending = true
    try {
      await this.#send(items)
    } finally {
      this.#resending = false
    }
  }

  /** Takes the next body's items out of the ready list (see the file comment). */
  #build(): WorkItem[] {
    const first = this.peek()
    if (first === undefined) return []
    const target = bulkTarget(first)
    const builder = new BulkBodyBuilder(target.envelope, target.listKey, { maxItems: target.batchSize })
    const body: WorkItem[] = []
    const inBody = new Set<WorkItem>()
    const taken = new Set<WorkItem>()
    const add = (item: WorkItem): boolean => {
      if (!builder.tryAdd(item.json)) return false
      body.push(item)
      inBody.add(item)
      return true
    }
    let full = false
    for (const item of this.readyItems()) {
      if (full) break
      if (bulkTarget(item).batchKey !== target.batchKey) continue
      if (!builder.fitsAlone(item.json)) {
        taken.add(item)
        this.#tooLarge(item)
        continue
      }
      if (!add(item)) break
      taken.add(item)
      // The same user's next items for this lane may follow it in this body, in order.
      const chain = this.host.order.next(item)
      while (chain.length > 0 && !full) {
        const next = chain.shift() as WorkItem
        if (next.state !== 'waiting' || next.lane !== this.endpoint || inBody.has(next)) continue
        if (bulkTarget(next).batchKey !== target.batchKey || !this.host.order.firstAfter(next, inBody))
          continue
        if (next.runAt > Date.now() || !builder.fitsAlone(next.json)) continue
        if (!add(next)) full = true
        else chain.push(...this.host.order.next(next))
      }
    }
    this.takeMany(taken)
    return body
  }

  async #send(batch: WorkItem[]): Promise<void> {
    const { host } = this
    const runtime = host.runtime()
    const target = bulkTarget(batch[0])
    // Lists of identifiers (subscriptions) carry no fields whose types could be refused.
    const kind = bulkKindOf(target)
    const items = kind === undefined ? batch : this.#screen(kind, batch)
    if (items.length === 0) return
    host.settle.sending(items)
    let envelope = target.envelope
    // Items of one batch key go to one list: the same name for all (syncAudience, L1).
    const { listName } = items[0].payload
    if (listName !== undefined) {
      const listId = await this.listIdFor(items, listName)
      if (listId === undefined) return
      envelope = { listId, ...envelope }
    }
    // The screened items were cut by the builder in #build: a part of that body still fits.
    const json = bulkBody(
      envelope,
      target.listKey,
      items.map((item) => item.json),
    )
    const method = target.method ?? 'POST'
    const response = await runtime.client.send({ method, path: this.endpoint, body: json })
    this.noteResponse(this.endpoint, response)
    const { outcome, status } = response
    if (outcome.policy === 'pause' || status === 429) {
      this.#attempt(json, items, response.body, status, response.durationMs, outcome)
      if (outcome.policy === 'pause') host.pause(pausedState(outcome), runtime)
      host.settle.unsent(items)
      this.giveBack(items)
      return
    }
    let outcomes: BulkItemOutcome[]
    if (kind === undefined) {
      // Iterable answers for the whole list: every item shares the request's outcome.
      outcomes = items.map(() => outcome)
    } else {
      const bodies = items.map((item) => item.payload.body)
      runtime.fieldTypes.learn(kind, bodies, response)
      outcomes = bulkOutcomes(kind, bodies, response)
    }
    const keep = outcomes.some((o) => o.policy !== 'deliver') || host.options.requestBodies === 'all'
    this.#attempt(
      keep ? json : null,
      items,
      keep ? response.body : undefined,
      status,
      response.durationMs,
      outcome,
    )
    const resendBatch: WorkItem[] = []
    const resendSplit: WorkItem[] = []
    for (let i = 0; i < items.length; i++) {
      const item = items[i]
      const itemOutcome = outcomes[i]
      if (itemOutcome.policy === 'deliver') await host.settle.delivered(item, status)
      else if (itemOutcome.resend === 'batch') resendBatch.push(item)
      else if (itemOutcome.resend === 'split') resendSplit.push(item)
      else host.settle.failed(item, failureOf(itemOutcome))
    }
    // Iterable refused the whole body for a field type: the others go again (the offenders apart).
    if (resendBatch.length > 0) this.#again([resendBatch])
    if (resendSplit.length > 0) {
      const half = Math.ceil(resendSplit.length / 2)
      this.#again(
        resendSplit.length > 1 ? [resendSplit.slice(0, half), resendSplit.slice(half)] : [resendSplit],
      )
    }
  }

  #again(bodies: WorkItem[][]): void {
    for (const body of bodies) {
      for (const item of body) item.state = 'ready'
      this.#resend.push(body)
    }
    this.pump()
  }

  /**
   * Items carrying a value of a type Iterable has already refused for that field would fail the
   * whole bulk request: they are dead-lettered with that answer's reason instead of being sent.
   */
  #screen(kind: BulkKind, batch: WorkItem[]): WorkItem[] {
    // A replay the user asked for is sent: Iterable answers for itself (the field may be fixed).
    const screenable = batch.filter((item) => !item.replayed)
    if (screenable.length === 0) return batch
    const screened = this.host.runtime().fieldTypes.screen(
      kind,
      screenable.map((item) => item.payload.body),
    )
    if (screened.length === 0) return batch
    const keptBack = new Set<WorkItem>()
    for (const { index, error, learnedAt } of screened) {
      keptBack.add(screenable[index])
      const outcome = screenedMismatchOutcome(error, learnedAt)
      this.host.settle.dead(screenable[index], outcome.message, outcome)
    }
    return batch.filter((item) => !keptBack.has(item))
  }

  #tooLarge(item: WorkItem): void {
    const outcome: IterableOutcome = {
      kind: 'permanent',
      policy: 'drop',
      code: 'ITEM_TOO_LARGE',
      status: 0,
      message: `item is larger than the ${MAX_BULK_BYTES} bytes bulk limit`,
    }
    this.host.settle.dead(item, outcome.message, outcome)
  }

  #attempt(
    json: string | null,
    items: readonly WorkItem[],
    responseBody: unknown,
    status: number,
    durationMs: number,
    outcome: IterableOutcome,
  ): void {
    const method = bulkTarget(items[0]).method
    this.host.progress.attempt({
      endpoint: method === undefined ? this.endpoint : `${method} ${this.endpoint}`,
      requestBody: json,
      responseStatus: status === 0 ? null : status,
      responseBody: bodyText(responseBody),
      durationMs,
      jobCount: items.length,
      eventIds: items.map((item) => item.eventId),
      error: outcome.policy === 'deliver' ? null : `${outcome.code}: ${outcome.message}`,
    })
  }
}

function bulkTarget(item: WorkItem): BulkTarget {
  const bulk = item.payload.bulk
  if (bulk === undefined) throw new TypeError(`item ${item.eventId}:${item.ordinal} is not a bulk item`)
  return bulk
}

/**
 * Which bulk answer the target's body gets (its items settled one by one), or undefined when
 * Iterable answers for the whole list (subscriptions' lists of identifiers). List calls answer as
 * users/bulkUpdate does, and their subscribers' dataFields are user fields.
 */
function bulkKindOf(target: BulkTarget): BulkKind | undefined {
  if (target.element !== undefined || target.listKey === 'usersByUserId') return undefined
  return target.listKey === 'subscribers' ? 'users' : target.listKey
}

function failureOf(outcome: BulkItemOutcome): Failure {
  return { outcome, notFound: isListedNotFound(outcome) }
}
