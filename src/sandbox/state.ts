// In-memory state of one project: users with their identifier indexes, events and purchases,
// field-type registries and forgotten identifiers. Every write is reported to a ChangeSink
// (persistence); the default sink does nothing.

import { randomBytes } from 'node:crypto'
import { TypeRegistry } from './field-types.js'
import type { FieldType } from './field-types.js'
import type { Fields } from './data-fields.js'
import type { ProjectConfig } from './options.js'
import type { ListOptions } from './subscription-groups.js'

export interface UserRecord {
  seq: number
  email?: string
  userId?: string
  dataFields: Fields
  createdAt: number
  updatedAt: number
  signupSource: 'API' | 'IMPORT'
  itblUserId?: string
  events: EventRecord[]
}

export interface EventRecord {
  seq: number
  /** 'customEvent' for events/track(Bulk), 'purchase' for commerce/trackPurchase. */
  eventType: 'customEvent' | 'purchase'
  id: string
  eventName?: string
  /** Unix time as sent (or receipt time in seconds). */
  createdAt: number
  dataFields?: Fields
  campaignId?: number
  templateId?: number
  items?: unknown[]
  total?: number
  owner: UserRecord
}

export interface ChangeSink {
  userChanged(project: ProjectState, user: UserRecord): void
  userDeleted(project: ProjectState, user: UserRecord): void
  eventChanged(project: ProjectState, event: EventRecord): void
  eventDeleted(project: ProjectState, event: EventRecord): void
  metaChanged(project: ProjectState): void
}

export const NO_SINK: ChangeSink = {
  userChanged() {},
  userDeleted() {},
  eventChanged() {},
  eventDeleted() {},
  metaChanged() {},
}

/** Types Iterable manages itself on every profile. */
const USER_BUILT_INS: Record<string, FieldType> = {
  email: 'string',
  userId: 'string',
  signupDate: 'date',
  profileUpdatedAt: 'date',
  signupSource: 'string',
  emailListIds: 'long',
  userListIds: 'long',
  unsubscribedChannelIds: 'long',
  unsubscribedMessageTypeIds: 'long',
  subscribedMessageTypeIds: 'long',
  shoppingCartItems: 'object',
  'shoppingCartItems.id': 'string',
  'shoppingCartItems.sku': 'string',
  'shoppingCartItems.name': 'string',
  'shoppingCartItems.description': 'string',
  'shoppingCartItems.categories': 'string',
  'shoppingCartItems.price': 'double',
  'shoppingCartItems.quantity': 'long',
  'shoppingCartItems.imageUrl': 'string',
  'shoppingCartItems.url': 'string',
  devices: 'object',
  'devices.token': 'string',
  'devices.platform': 'string',
  'devices.applicationName': 'string',
  browserTokens: 'string',
}

type Index = Map<string, UserRecord[]>

function indexAdd(index: Index, key: string, user: UserRecord): void {
  const list = index.get(key)
  if (list === undefined) index.set(key, [user])
  else list.push(user)
}

function indexRemove(index: Index, key: string, user: UserRecord): void {
  const list = index.get(key)
  if (list === undefined) return
  const at = list.indexOf(user)
  if (at >= 0) list.splice(at, 1)
  if (list.length === 0) index.delete(key)
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex')
}

export class ProjectState {
  readonly users = new Map<number, UserRecord>()
  private readonly byEmail: Index = new Map()
  private readonly byUserId: Index = new Map()
  private readonly eventsById = new Map<string, EventRecord>()
  userTypes = new TypeRegistry(USER_BUILT_INS)
  readonly eventTypes = new Map<string, TypeRegistry>()
  readonly forgottenEmails = new Set<string>()
  readonly forgottenUserIds = new Set<string>()
  nextUserSeq = 1
  nextEventSeq = 1
  /** Lists made through POST /api/lists (GET /api/lists shows them after the configured ones). */
  createdLists: ListOptions[] = []

  constructor(
    readonly config: ProjectConfig,
    public sink: ChangeSink = NO_SINK,
  ) {}

  get type(): ProjectConfig['type'] {
    return this.config.type
  }

  get listField(): 'emailListIds' | 'userListIds' {
    return this.config.type === 'email' ? 'emailListIds' : 'userListIds'
  }

  clear(): void {
    this.users.clear()
    this.byEmail.clear()
    this.byUserId.clear()
    this.eventsById.clear()
    this.userTypes = new TypeRegistry(USER_BUILT_INS)
    this.eventTypes.clear()
    this.forgottenEmails.clear()
    this.forgottenUserIds.clear()
    this.nextUserSeq = 1
    this.nextEventSeq = 1
    this.createdLists = []
  }

  /** Every list of the project: the configured ones, then those created through the API. */
  get lists(): readonly ListOptions[] {
    return [...this.config.groups.lists, ...this.createdLists]
  }

  /** Creates a Standard list; its id follows the highest list id the project knows. */
  createList(name: string): ListOptions {
    const ids = [...this.lists.map((l) => l.id), ...(this.config.listIds ?? [])]
    const list: ListOptions = { id: Math.max(0, ...ids) + 1, name, listType: 'Standard' }
    this.createdLists.push(list)
    this.sink.metaChanged(this)
    return list
  }

  eventRegistry(eventName: string): TypeRegistry {
    let registry = this.eventTypes.get(eventName)
    if (registry === undefined) {
      registry = new TypeRegistry()
      this.eventTypes.set(eventName, registry)
    }
    return registry
  }

  findByEmail(email: string): UserRecord | undefined {
    return this.byEmail.get(email)?.[0]
  }

  /** The first user with this userId (userIds are not unique in email-based projects). */
  findByUserId(userId: string): UserRecord | undefined {
    return this.byUserId.get(userId)?.[0]
  }

  allByUserId(userId: string): UserRecord[] {
    return [...(this.byUserId.get(userId) ?? [])]
  }

  createUser(
    email: string | undefined,
    userId: string | undefined,
    source: 'API' | 'IMPORT',
    now: number,
  ): UserRecord {
    const user: UserRecord = {
      seq: this.nextUserSeq++,
      email,
      userId,
      dataFields: {},
      createdAt: now,
      updatedAt: now,
      signupSource: source,
      itblUserId: this.config.type === 'email' ? undefined : randomHex(12),
      events: [],
    }
    this.restoreUser(user)
    return user
  }

  /** Registers an existing record (creation and loading from persistence). */
  restoreUser(user: UserRecord): void {
    this.users.set(user.seq, user)
    if (user.email !== undefined) indexAdd(this.byEmail, user.email, user)
    if (user.userId !== undefined) indexAdd(this.byUserId, user.userId, user)
    if (user.seq >= this.nextUserSeq) this.nextUserSeq = user.seq + 1
  }

  setEmail(user: UserRecord, email: string | undefined): void {
    if (user.email === email) return
    if (user.email !== undefined) indexRemove(this.byEmail, user.email, user)
    user.email = email
    if (email !== undefined) indexAdd(this.byEmail, email, user)
  }

  setUserId(user: UserRecord, userId: string | undefined): void {
    if (user.userId === userId) return
    if (user.userId !== undefined) indexRemove(this.byUserId, user.userId, user)
    user.userId = userId
    if (userId !== undefined) indexAdd(this.byUserId, userId, user)
  }

  touch(user: UserRecord, now: number): void {
    user.updatedAt = now
    this.sink.userChanged(this, user)
  }

  deleteUser(user: UserRecord): void {
    if (!this.users.delete(user.seq)) return
    if (user.email !== undefined) indexRemove(this.byEmail, user.email, user)
    if (user.userId !== undefined) indexRemove(this.byUserId, user.userId, user)
    for (const event of user.events) {
      this.eventsById.delete(eventKey(event.eventType, event.id))
      this.sink.eventDeleted(this, event)
    }
    this.sink.userDeleted(this, user)
  }

  findEvent(type: EventRecord['eventType'], id: string): EventRecord | undefined {
    return this.eventsById.get(eventKey(type, id))
  }

  /**
   * Adds or replaces (same type and id: upsert) an event on its owner. Memory is bounded: at most
   * `maxEventsPerUser` per user and `maxStoredEvents` per project (oldest dropped first).
   */
  putEvent(event: EventRecord, limits: { maxEventsPerUser: number; maxStoredEvents: number }): void {
    const maxPerUser = limits.maxEventsPerUser
    const key = eventKey(event.eventType, event.id)
    const existing = this.eventsById.get(key)
    if (existing !== undefined) {
      const list = existing.owner.events
      const at = list.indexOf(existing)
      if (at >= 0) list.splice(at, 1)
      event.seq = existing.seq
    }
    this.restoreEvent(event)
    const list = event.owner.events
    // Trim in chunks so that the cap costs O(1) amortised per event.
    if (list.length > maxPerUser + Math.max(1, maxPerUser >> 2)) {
      const removed = list.splice(0, list.length - maxPerUser)
      for (const old of removed) {
        this.eventsById.delete(eventKey(old.eventType, old.id))
        this.sink.eventDeleted(this, old)
      }
    }
    this.sink.eventChanged(this, event)
    if (this.eventsById.size > limits.maxStoredEvents) this.trimStoredEvents(limits.maxStoredEvents)
  }

  /**
   * Drops the project's oldest events (by sequence number) down to 3/4 of the cap. Sequence
   * numbers grow with every new event, so the newest `target` events have seq ≥ next − target.
   */
  private trimStoredEvents(maxStored: number): void {
    const cutoff = this.nextEventSeq - Math.floor(maxStored * 0.75)
    for (const user of this.users.values()) {
      const list = user.events
      let drop = 0
      while (drop < list.length && list[drop].seq < cutoff) drop++
      if (drop === 0) continue
      for (const old of list.splice(0, drop)) {
        this.eventsById.delete(eventKey(old.eventType, old.id))
        this.sink.eventDeleted(this, old)
      }
    }
  }

  restoreEvent(event: EventRecord): void {
    this.eventsById.set(eventKey(event.eventType, event.id), event)
    event.owner.events.push(event)
    if (event.seq >= this.nextEventSeq) this.nextEventSeq = event.seq + 1
  }

  /** Moves every event of `from` to `to` (updateEmail re-creates the profile). */
  moveEvents(from: UserRecord, to: UserRecord): void {
    for (const event of from.events) {
      event.owner = to
      to.events.push(event)
      this.sink.eventChanged(this, event)
    }
    from.events = []
  }

  forget(user: UserRecord): void {
    if (user.email !== undefined) this.forgottenEmails.add(user.email)
    if (user.userId !== undefined) this.forgottenUserIds.add(user.userId)
    this.deleteUser(user)
    this.sink.metaChanged(this)
  }
}

const eventKey = (type: EventRecord['eventType'], id: string): string =>
  type === 'purchase' ? `p:${id}` : id
