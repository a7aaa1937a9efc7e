// The cursor of a destination's delivery: every event up to it is finished there, or its unfinished
// items are parked (durable). Events read but not finished are tracked here in id order with the
// number of their items still only in memory; the cursor stops before the first such event.

export class CursorWindow {
  /** Event ids in read order (= id order), from `#head` on. */
  #ids: number[] = []
  #head = 0
  readonly #pending = new Map<number, number>()
  /** The last event id read from the log. */
  #read: number
  /** Items of those events still only in memory. */
  #items = 0

  constructor(start: number) {
    this.#read = start
  }

  get readPosition(): number {
    return this.#read
  }

  /** An event was read with `items` items that live only in memory (0: finished at once). */
  read(eventId: number, items: number): void {
    this.#read = eventId
    if (items === 0) return
    this.#ids.push(eventId)
    this.#pending.set(eventId, items)
    this.#items += items
  }

  /** One of the event's in-memory items became final or durable. */
  settle(eventId: number): void {
    const left = this.#pending.get(eventId)
    if (left === undefined) return
    this.#items--
    if (left > 1) this.#pending.set(eventId, left - 1)
    else this.#pending.delete(eventId)
  }

  /** The cursor now: just before the first unfinished event, else the last event read. */
  get cursor(): number {
    while (this.#head < this.#ids.length && !this.#pending.has(this.#ids[this.#head])) this.#head++
    if (this.#head > 1024 && this.#head * 2 > this.#ids.length) {
      this.#ids = this.#ids.slice(this.#head)
      this.#head = 0
    }
    return this.#head < this.#ids.length ? this.#ids[this.#head] - 1 : this.#read
  }

  /** Items read that are neither final nor durable yet. */
  get items(): number {
    return this.#items
  }
}
