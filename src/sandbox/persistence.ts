// Optional SQLite persistence (better-sqlite3): memory stays the source of truth; changes are
// collected as dirty records and written behind in one transaction every flush interval and on
// close, so a demo survives restarts without slowing the hot path.

import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'
import type { Database as Db, Statement } from 'better-sqlite3'
import { createPrivateFile } from '../util/private-file.js'
import type { FieldType } from './field-types.js'
import type { SandboxState } from './sandbox-state.js'
import type { ListOptions } from './subscription-groups.js'
import type { ChangeSink, EventRecord, ProjectState, UserRecord } from './state.js'

interface Dirty {
  users: Map<number, UserRecord | null>
  events: Map<number, EventRecord | null>
  meta: boolean
}

interface MetaDoc {
  userTypes: [string, FieldType][]
  eventTypes: Record<string, [string, FieldType][]>
  forgottenEmails: string[]
  forgottenUserIds: string[]
  nextUserSeq: number
  nextEventSeq: number
  /** Lists created through POST /api/lists (absent in files written before they existed). */
  createdLists?: ListOptions[]
}

type UserDoc = Omit<UserRecord, 'seq' | 'events'>
type EventDoc = Omit<EventRecord, 'seq' | 'owner'>

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (project TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (project, seq));
CREATE TABLE IF NOT EXISTS events (project TEXT NOT NULL, seq INTEGER NOT NULL, user_seq INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (project, seq));
CREATE TABLE IF NOT EXISTS meta (project TEXT PRIMARY KEY, doc TEXT NOT NULL);
`

export class Persistence implements ChangeSink {
  private readonly db: Db
  private readonly dirty = new Map<ProjectState, Dirty>()
  private readonly timer: NodeJS.Timeout
  private readonly putUser: Statement
  private readonly delUser: Statement
  private readonly putEvent: Statement
  private readonly delEvent: Statement
  private readonly putMeta: Statement
  private closed = false

  constructor(
    file: string,
    private readonly state: SandboxState,
    flushIntervalMs = 200,
  ) {
    // Loaded on demand: the native module is only needed when persistence is asked for.
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
    // Private like any data file: SQLite would create it 0644 (its WAL and shm take its mode).
    createPrivateFile(file)
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.exec(SCHEMA)
    this.putUser = this.db.prepare('INSERT OR REPLACE INTO users (project, seq, doc) VALUES (?, ?, ?)')
    this.delUser = this.db.prepare('DELETE FROM users WHERE project = ? AND seq = ?')
    this.putEvent = this.db.prepare(
      'INSERT OR REPLACE INTO events (project, seq, user_seq, doc) VALUES (?, ?, ?, ?)',
    )
    this.delEvent = this.db.prepare('DELETE FROM events WHERE project = ? AND seq = ?')
    this.putMeta = this.db.prepare('INSERT OR REPLACE INTO meta (project, doc) VALUES (?, ?)')
    this.load()
    state.setSink(this)
    this.timer = setInterval(() => this.flush(), flushIntervalMs)
    this.timer.unref()
  }

  private entry(project: ProjectState): Dirty {
    let d = this.dirty.get(project)
    if (d === undefined) {
      d = { users: new Map(), events: new Map(), meta: false }
      this.dirty.set(project, d)
    }
    return d
  }

  userChanged(project: ProjectState, user: UserRecord): void {
    this.entry(project).users.set(user.seq, user)
  }
  userDeleted(project: ProjectState, user: UserRecord): void {
    this.entry(project).users.set(user.seq, null)
  }
  eventChanged(project: ProjectState, event: EventRecord): void {
    this.entry(project).events.set(event.seq, event)
  }
  eventDeleted(project: ProjectState, event: EventRecord): void {
    this.entry(project).events.set(event.seq, null)
  }
  metaChanged(project: ProjectState): void {
    this.entry(project).meta = true
  }

  flush(): void {
    if (this.closed || this.dirty.size === 0) return
    const write = this.db.transaction(() => {
      for (const [project, d] of this.dirty) {
        const name = project.config.name
        for (const [seq, user] of d.users) {
          if (user === null) this.delUser.run(name, seq)
          else this.putUser.run(name, seq, JSON.stringify(userDoc(user)))
        }
        for (const [seq, event] of d.events) {
          if (event === null) this.delEvent.run(name, seq)
          else this.putEvent.run(name, seq, event.owner.seq, JSON.stringify(eventDoc(event)))
        }
        // Sequence counters move with every write, so meta is saved whenever anything changed.
        this.putMeta.run(name, JSON.stringify(metaDoc(project)))
      }
    })
    write()
    this.dirty.clear()
  }

  /** Reset: forget every stored row. */
  clear(): void {
    this.dirty.clear()
    this.db.exec('DELETE FROM users; DELETE FROM events; DELETE FROM meta;')
  }

  close(): void {
    if (this.closed) return
    clearInterval(this.timer)
    this.flush()
    this.closed = true
    this.db.close()
  }

  private load(): void {
    const metaRow = this.db.prepare('SELECT doc FROM meta WHERE project = ?')
    const userRows = this.db.prepare('SELECT seq, doc FROM users WHERE project = ? ORDER BY seq')
    const eventRows = this.db.prepare('SELECT seq, user_seq, doc FROM events WHERE project = ? ORDER BY seq')
    for (const project of this.state.projects.values()) {
      const name = project.config.name
      const meta = metaRow.get(name) as { doc: string } | undefined
      if (meta !== undefined) restoreMeta(project, JSON.parse(meta.doc) as MetaDoc)
      for (const row of userRows.iterate(name) as Iterable<{ seq: number; doc: string }>) {
        const doc = JSON.parse(row.doc) as UserDoc
        project.restoreUser({ ...doc, seq: row.seq, events: [] })
      }
      for (const row of eventRows.iterate(name) as Iterable<{ seq: number; user_seq: number; doc: string }>) {
        const owner = project.users.get(row.user_seq)
        if (owner === undefined) continue
        project.restoreEvent({ ...(JSON.parse(row.doc) as EventDoc), seq: row.seq, owner })
      }
    }
  }
}

function userDoc(user: UserRecord): UserDoc {
  return {
    email: user.email,
    userId: user.userId,
    dataFields: user.dataFields,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    signupSource: user.signupSource,
    itblUserId: user.itblUserId,
  }
}

function eventDoc(event: EventRecord): EventDoc {
  const { seq: _seq, owner: _owner, ...doc } = event
  return doc
}

function metaDoc(project: ProjectState): MetaDoc {
  // fromEntries defines own properties: an event named `__proto__` is kept like any other.
  const eventTypes: Record<string, [string, FieldType][]> = Object.fromEntries(
    [...project.eventTypes].map(([name, registry]) => [name, [...registry.types]]),
  )
  return {
    userTypes: [...project.userTypes.types],
    eventTypes,
    forgottenEmails: [...project.forgottenEmails],
    forgottenUserIds: [...project.forgottenUserIds],
    nextUserSeq: project.nextUserSeq,
    nextEventSeq: project.nextEventSeq,
    createdLists: project.createdLists,
  }
}

function restoreMeta(project: ProjectState, meta: MetaDoc): void {
  project.userTypes.commit(new Map(meta.userTypes))
  for (const [name, entries] of Object.entries(meta.eventTypes))
    project.eventRegistry(name).commit(new Map(entries))
  for (const email of meta.forgottenEmails) project.forgottenEmails.add(email)
  for (const userId of meta.forgottenUserIds) project.forgottenUserIds.add(userId)
  project.nextUserSeq = Math.max(project.nextUserSeq, meta.nextUserSeq)
  project.nextEventSeq = Math.max(project.nextEventSeq, meta.nextEventSeq)
  project.createdLists = meta.createdLists ?? []
}
