// Each user's items in the order their events were received: an item may be sent only when it is
// first in the queue of every key it holds (its userId, its emails). Items without keys are free.
import type { WorkItem } from './work-item.js'

export class UserOrder {
  readonly #queues = new Map<string, WorkItem[]>()

  /** Appends the item to its users' queues; true when it is first everywhere (sendable now). */
  add(item: WorkItem): boolean {
    let first = true
    for (const key of item.keys) {
      const queue = this.#queues.get(key)
      if (queue === undefined) this.#queues.set(key, [item])
      else {
        queue.push(item)
        first = false
      }
    }
    return first
  }

  /** Whether an earlier item of one of its users is parked (its later items must be parked too). */
  behindParked(item: WorkItem): boolean {
    for (const key of item.keys) {
      const queue = this.#queues.get(key)
      if (queue === undefined) continue
      for (const other of queue) {
        if (other === item) break
        if (other.durable) return true
      }
    }
    return false
  }

  /** Whether the item is first in the queue of each of its keys. */
  isFirst(item: WorkItem): boolean {
    for (const key of item.keys) if (this.#queues.get(key)?.[0] !== item) return false
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
   * Whether `item` would be first if every item in `sent` were finished: it may share a bulk body
   * with them, behind them.
   */
  firstAfter(item: WorkItem, sent: ReadonlySet<WorkItem>): boolean {
    for (const key of item.keys) {
      const queue = this.#queues.get(key)
      if (queue === undefined) continue
      for (const other of queue) {
        if (other === item) break
        if (!sent.has(other)) return false
      }
    }
    return true
  }

  /** Removes a finished item; returns the items that are now first everywhere. */
  remove(item: WorkItem): WorkItem[] {
    const candidates: WorkItem[] = []
    for (const key of item.keys) {
      const queue = this.#queues.get(key)
      if (queue === undefined) continue
      const at = queue.indexOf(item)
      if (at < 0) continue
      queue.splice(at, 1)
      if (queue.length === 0) this.#queues.delete(key)
      else if (at === 0 && !candidates.includes(queue[0])) candidates.push(queue[0])
    }
    return candidates.filter((candidate) => this.isFirst(candidate))
  }

  get users(): number {
    return this.#queues.size
  }
}
