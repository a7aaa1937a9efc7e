// Each user's items in the order their events were received: an item may be sent only when it is
// first in the queue of every key it holds (its userId, its emails). Items without keys are free.
//
// One exception: an item Iterable refused because its user does not exist yet (`waitingForUser`)
// lets an item that creates users (an Upsert User) pass it — that identify may be exactly what the
// waiting item needs. Everything else of that user still waits behind it.
import type { WorkItem } from './work-item.js'

export class UserOrder {
  readonly #queues = new Map<string, WorkItem[]>()

  /** Appends the item to its users' queues; true when it may be sent now. */
  add(item: WorkItem): boolean {
    for (const key of item.keys) {
      const queue = this.#queues.get(key)
      if (queue === undefined) this.#queues.set(key, [item])
      else queue.push(item)
    }
    return this.isFirst(item)
  }

  /** Whether an earlier item of one of its users is parked (its later items must be parked too). */
  behindParked(item: WorkItem): boolean {
    for (const key of item.keys) {
      for (const other of this.#queues.get(key) ?? []) {
        if (other === item) break
        if (other.durable) return true
      }
    }
    return false
  }

  /** Whether nothing it must wait for is ahead of the item in the queue of any of its keys. */
  isFirst(item: WorkItem): boolean {
    for (const key of item.keys) {
      for (const other of this.#queues.get(key) ?? []) {
        if (other === item) break
        if (!(item.createsUser && other.waitingForUser)) return false
      }
    }
    return true
  }

  /** The items right behind this one in its users' queues (candidates to become first). */
  next(item: WorkItem): WorkItem[] {
    const out: WorkItem[] = []
    for (const key of item.keys) {
      const queue = this.#queues.get(key)
      if (queue === undefined) continue
      const at = queue.indexOf(item)
      const after = queue[at + 1]
      if (at >= 0 && after !== undefined && !out.includes(after)) out.push(after)
    }
    return out
  }

  /** Every item after this one in its users' queues, in queue order. */
  later(item: WorkItem): WorkItem[] {
    const out: WorkItem[] = []
    for (const key of item.keys) {
      const queue = this.#queues.get(key)
      if (queue === undefined) continue
      const at = queue.indexOf(item)
      for (let i = at + 1; i < queue.length; i++) if (!out.includes(queue[i])) out.push(queue[i])
    }
    return out
  }

  /**
   * Whether `item` could go in the same bulk body as `sent`, right behind them: every item ahead of
   * it in its users' queues is in that body and finishes with its answer (no follow-up requests,
   * which go out only after the answer).
   */
  firstAfter(item: WorkItem, sent: ReadonlySet<WorkItem>): boolean {
    for (const key of item.keys) {
      for (const other of this.#queues.get(key) ?? []) {
        if (other === item) break
        if (!sent.has(other) || other.payload.followUps !== undefined) return false
      }
    }
    return true
  }

  /** Removes a finished item; returns the waiting items that may be sent now. */
  remove(item: WorkItem): WorkItem[] {
    const candidates: WorkItem[] = []
    for (const key of item.keys) {
      const queue = this.#queues.get(key)
      if (queue === undefined) continue
      const at = queue.indexOf(item)
      if (at < 0) continue
      queue.splice(at, 1)
      if (queue.length === 0) this.#queues.delete(key)
      // The new first, and (behind items waiting for their user) the items that create users.
      for (let i = at; i < queue.length; i++) {
        const candidate = queue[i]
        if (!candidates.includes(candidate)) candidates.push(candidate)
        if (!candidate.waitingForUser) break
      }
    }
    return candidates.filter((candidate) => this.isFirst(candidate))
  }

  /** After `item` started waiting for its user: the items that create users it now lets pass. */
  passing(item: WorkItem): WorkItem[] {
    return this.later(item).filter((other) => other.createsUser && this.isFirst(other))
  }

  get users(): number {
    return this.#queues.size
  }
}
