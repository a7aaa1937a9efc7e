// An item in a destination's delivery, in memory, from the moment it is read (from the log, or
// loaded parked) until it is final (delivered or dead).
import type { ItemPayload } from './item.js'

export type ItemState =
  /** Behind an earlier item of one of its users. */
  | 'waiting'
  /** In its lane's ready list. */
  | 'ready'
  | 'sending'
  /** Failed; parked until `runAt`. */
  | 'retrying'
  | 'done'

export class WorkItem {
  state: ItemState = 'waiting'
  /** A parked row holds it (retrying or held): the cursor may pass its event. */
  durable: boolean
  /**
   * Iterable answered that its user does not exist (yet): the user's later items that create users
   * may pass it — one of them may be the identify it waits for (user-order.ts).
   */
  waitingForUser = false
  /**
   * A replay the user asked for (an event replay, or a replayed dead letter): it is sent even when a
   * field type Iterable refused earlier would keep it back — the user may have fixed the field.
   */
  replayed = false
  /** Its item, serialised once (bulk size accounting and the body share it). */
  #json: string | undefined
  timer: NodeJS.Timeout | null = null

  constructor(
    readonly eventId: number,
    readonly ordinal: number,
    /** Its place in its users' order (its event id, or the log head when replayed). */
    readonly position: number,
    readonly messageId: string,
    readonly mappingId: string | null,
    readonly action: string,
    readonly lane: string,
    readonly keys: readonly string[],
    readonly payload: ItemPayload,
    public attempts: number,
    readonly firstEnqueuedAt: number,
    public runAt: number,
    durable: boolean,
  ) {
    this.durable = durable
  }

  get createsUser(): boolean {
    return this.payload.createsUser === true
  }

  /** The single request's body, or the bulk list's element (the whole item, or one of its values). */
  get json(): string {
    const element = this.payload.bulk?.element
    return (this.#json ??= JSON.stringify(
      element === undefined ? this.payload.body : this.payload.body[element],
    ))
  }

  /** The user the item's history is filed under: its userId, else its email. */
  get userKey(): string | null {
    const key = this.keys.find((k) => k.startsWith('u:')) ?? this.keys[0]
    return key === undefined ? null : key.slice(2)
  }
}
