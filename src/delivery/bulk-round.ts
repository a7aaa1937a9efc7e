// A bulk queue's round: claim a batch, wait for the rate-limit token, top the batch up, cut it into
// request bodies, screen items Iterable would refuse, send, and settle each item by its outcome
// (resending the ones Iterable asks to resend, in the same or in split requests).
import { MAX_BULK_BYTES } from '../iterable/bulk.js'
import {
  bulkOutcomes,
  screenedMismatchOutcome,
  type BulkItemOutcome,
  type BulkKind,
  type IterableOutcome,
} from '../iterable/client/index.js'
import type { QueueKey } from '../store/types.js'
import { bulkEnvelope, chunkBulk, groupByBatchKey, MAX_ITEMS } from './bulk-chunks.js'
import type { DestinationRuntime } from './destination-runtime.js'
import type { DeliveryOptions } from './options.js'
import type { QueueRequests } from './queue-requests.js'
import type { QueueRest } from './queue-rest.js'
import type { Settler } from './settle.js'
import type { Claimed, Failure } from './worker-context.js'

/** What a bulk round uses of its queue's worker. */
export interface BulkRoundParts {
  queue: QueueKey
  options: DeliveryOptions
  claim(limit: number): Promise<Claimed[]>
  stopping(): boolean
  rest: QueueRest
  requests: QueueRequests
  settle: Settler
}

export class BulkRound {
  constructor(readonly parts: BulkRoundParts) {}

  /**
   * Claims a first batch, waits for the project's rate-limit token, then tops the batch up with jobs
   * that arrived meanwhile: until full, until a claim finds nothing waiting, or until the linger ends.
   * False when there was nothing to do.
   */
  async run(destination: DestinationRuntime): Promise<boolean> {
    const { queue, rest, settle } = this.parts
    const started = Date.now()
    const claimed = await this.parts.claim(MAX_ITEMS)
    if (claimed.length === 0) return false
    await destination.limiter.take(queue.endpoint)
    const deadline = started + this.parts.options.lingerMs
    while (claimed.length < MAX_ITEMS && Date.now() < deadline && !this.parts.stopping()) {
      const more = await this.parts.claim(MAX_ITEMS - claimed.length)
      if (more.length === 0) break
      for (const entry of more) claimed.push(entry)
    }
    let haveToken = true
    for (const group of groupByBatchKey(claimed)) {
      for (const chunk of chunkBulk(group)) {
        if (chunk.oversized) {
          await settle.drop(chunk.entries, {
            outcome: permanent(
              'ITEM_TOO_LARGE',
              `item is larger than the ${MAX_BULK_BYTES} bytes bulk limit`,
            ),
            notFound: false,
          })
          continue
        }
        if (rest.resting) {
          await settle.release(chunk.entries)
          continue
        }
        if (!haveToken) await destination.limiter.take(queue.endpoint)
        haveToken = false
        await this.#send(destination, chunk.entries)
      }
    }
    return true
  }

  async #send(destination: DestinationRuntime, batch: Claimed[]): Promise<void> {
    if (batch.length === 0) return
    const first = batch[0].payload
    const listKey = (first.k ?? 'events') as BulkKind
    const entries = await this.#screen(destination, listKey, batch)
    if (entries.length === 0) return
    const items = entries.map((e) => e.payload.i)
    const head = bulkEnvelope(first)
    const json =
      head.slice(0, -2) + entries.map((e) => (e.itemJson ??= JSON.stringify(e.payload.i))).join(',') + ']}'
    const path = this.parts.queue.endpoint
    const response = await this.parts.requests.send(destination, 'POST', path, json, entries.length)
    if (response.outcome.policy === 'pause') {
      await this.parts.settle.pause(destination, entries, response.outcome)
      return
    }
    destination.fieldTypes.learn(listKey, items, response)
    const outcomes = bulkOutcomes(listKey, items, response)
    const delivered: Claimed[] = []
    const resendBatch: Claimed[] = []
    const resendSplit: Claimed[] = []
    const failed = new Map<string, { failure: Failure; entries: Claimed[] }>()
    for (let i = 0; i < entries.length; i++) {
      const outcome: BulkItemOutcome = outcomes[i]
      const entry = entries[i]
      if (outcome.policy === 'deliver') delivered.push(entry)
      else if (outcome.resend === 'batch') resendBatch.push(entry)
      else if (outcome.resend === 'split') resendSplit.push(entry)
      else {
        const notFound = outcome.reason === 'notFoundEmails' || outcome.reason === 'notFoundUserIds'
        const key = `${outcome.policy}\u0000${outcome.code}\u0000${outcome.message}`
        const slot = failed.get(key)
        if (slot === undefined) failed.set(key, { failure: { outcome, notFound }, entries: [entry] })
        else slot.entries.push(entry)
      }
    }
    await this.parts.settle.delivered(destination, delivered, response.status)
    for (const { failure, entries: group } of failed.values()) await this.parts.settle.failure(group, failure)
    if (resendBatch.length > 0) {
      await destination.limiter.take(path)
      await this.#send(destination, resendBatch)
    }
    if (resendSplit.length > 0) {
      const half = Math.ceil(resendSplit.length / 2)
      await destination.limiter.take(path)
      await this.#send(destination, resendSplit.slice(0, half))
      await destination.limiter.take(path)
      await this.#send(destination, resendSplit.slice(half))
    }
  }

  /**
   * Items carrying a value of a type Iterable has already refused for that field would fail the
   * whole bulk request: they are dead-lettered with that answer's reason instead of being sent.
   */
  async #screen(destination: DestinationRuntime, kind: BulkKind, batch: Claimed[]): Promise<Claimed[]> {
    const screened = destination.fieldTypes.screen(
      kind,
      batch.map((e) => e.payload.i),
    )
    if (screened.length === 0) return batch
    const keptBack = new Set<number>()
    const byMessage = new Map<string, { failure: Failure; entries: Claimed[] }>()
    for (const { index, error } of screened) {
      keptBack.add(index)
      const outcome = screenedMismatchOutcome(error)
      const slot = byMessage.get(outcome.message)
      if (slot === undefined)
        byMessage.set(outcome.message, { failure: { outcome, notFound: false }, entries: [batch[index]] })
      else slot.entries.push(batch[index])
    }
    for (const { failure, entries } of byMessage.values()) await this.parts.settle.drop(entries, failure)
    return batch.filter((_, index) => !keptBack.has(index))
  }
}

function permanent(code: string, message: string): IterableOutcome {
  return { kind: 'permanent', policy: 'drop', code, status: 0, message }
}
