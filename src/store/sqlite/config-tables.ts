// Configuration tables: sources (sealed write keys), destinations (sealed API keys) and mappings.
import { randomUUID } from 'node:crypto'
import { StoreError } from '../errors.js'
import { rowToDestination, rowToMapping, rowToRevision, rowToSource, text, type Row } from '../rows.js'
import { secretHint } from '../../util/secret-hint.js'
import { hashWriteKey, patchSealedApiKey, type SecretBox } from '../secrets.js'
import type * as T from '../types.js'
import type { SqliteConnection } from './connection.js'

const bit = (v: boolean | undefined): number => (v ? 1 : 0)

export class ConfigTables {
  readonly #config

  constructor(
    readonly conn: SqliteConnection,
    readonly box: SecretBox,
  ) {
    this.#config = conn.q.config
  }

  // ------------------------------------------------------------ sources

  async createSource(input: T.NewSource): Promise<T.Source> {
    const id = input.id ?? randomUUID()
    try {
      this.#config.INSERT_SOURCE.run({
        id,
        name: input.name,
        writeKeyHash: hashWriteKey(input.writeKey),
        writeKeySealed: this.box.encrypt(input.writeKey, `source:${id}`),
        writeKeyHint: secretHint(input.writeKey),
        createdAt: input.createdAt ?? Date.now(),
      })
    } catch (cause) {
      if (isUniqueViolation(cause)) {
        throw new StoreError('conflict', 'A source with this id or write key already exists', { cause })
      }
      throw cause
    }
    return (await this.getSource(id))!
  }

  async getSource(id: string): Promise<T.Source | null> {
    const row = this.#config.SELECT_SOURCE.get(id) as Row | undefined
    return row ? rowToSource(row) : null
  }

  async listSources(): Promise<T.Source[]> {
    return (this.#config.SELECT_SOURCES.all() as Row[]).map(rowToSource)
  }

  async findSourceByWriteKey(writeKey: string): Promise<T.Source | null> {
    const row = this.#config.SELECT_SOURCE_BY_KEY_HASH.get(hashWriteKey(writeKey)) as Row | undefined
    return row ? rowToSource(row) : null
  }

  async getSourceWriteKey(id: string): Promise<string | null> {
    const row = this.#config.SELECT_SOURCE.get(id) as Row | undefined
    return row ? this.box.decrypt(String(row.write_key_sealed), `source:${id}`) : null
  }

  async revokeSource(id: string, at = Date.now()): Promise<boolean> {
    return this.#config.REVOKE_SOURCE.run({ id, at }).changes > 0
  }

  async deleteSource(id: string): Promise<boolean> {
    return this.#config.DELETE_SOURCE.run(id).changes > 0
  }

  // ------------------------------------------------------------ destinations

  async createDestination(input: T.NewDestination): Promise<T.Destination> {
    const id = input.id ?? randomUUID()
    const createdAt = input.createdAt ?? Date.now()
    try {
      // Its delivery starts at the log head: every earlier event was received before it existed.
      this.conn.write(() => {
        this.#config.INSERT_DESTINATION.run({
          id,
          name: input.name,
          kind: input.kind,
          settings: JSON.stringify(input.settings ?? {}),
          apiKeySealed: input.apiKey ? this.box.encrypt(input.apiKey, `destination:${id}`) : null,
          enabled: bit(input.enabled ?? true),
          createdAt,
        })
        const head = Number((this.conn.q.ingest.LAST_EVENT_ID.get() as { id: number }).id)
        this.conn.q.delivery.INSERT_CURSOR.run({
          destinationId: id,
          position: head,
          owner: null,
          leaseUntil: null,
          now: createdAt,
          project: null,
        })
      })
    } catch (cause) {
      if (isUniqueViolation(cause)) {
        throw new StoreError('conflict', `Destination ${id} already exists`, { cause })
      }
      throw cause
    }
    return (await this.getDestination(id))!
  }

  async getDestination(id: string): Promise<T.Destination | null> {
    const row = this.#config.SELECT_DESTINATION.get(id) as Row | undefined
    return row ? rowToDestination(row) : null
  }

  async listDestinations(): Promise<T.Destination[]> {
    return (this.#config.SELECT_DESTINATIONS.all() as Row[]).map(rowToDestination)
  }

  async updateDestination(id: string, patch: T.DestinationPatch): Promise<T.Destination | null> {
    const updated = this.conn.write(() => {
      const row = this.#config.SELECT_DESTINATION.get(id) as Row | undefined
      if (!row) return false
      const sealed = patchSealedApiKey(this.box, id, patch.apiKey, row.api_key_sealed)
      this.#config.UPDATE_DESTINATION.run({
        id,
        name: patch.name ?? row.name,
        settings: patch.settings === undefined ? row.settings : JSON.stringify(patch.settings),
        apiKeySealed: sealed,
        enabled: patch.enabled === undefined ? row.enabled : bit(patch.enabled),
        updatedAt: Date.now(),
      })
      return true
    })
    return updated ? this.getDestination(id) : null
  }

  async setDestinationPaused(id: string, paused: T.PausedState | null): Promise<boolean> {
    return (
      this.#config.SET_DESTINATION_PAUSED.run({
        id,
        reason: paused?.reason ?? null,
        since: paused?.since ?? null,
        updatedAt: Date.now(),
      }).changes > 0
    )
  }

  async getDestinationApiKey(id: string): Promise<string | null> {
    const row = this.#config.SELECT_DESTINATION.get(id) as Row | undefined
    if (!row || row.api_key_sealed === null) return null
    return this.box.decrypt(text(row.api_key_sealed), `destination:${id}`)
  }

  /** With its mappings (cascade), its cursor and its parked items: nothing is left to send. */
  async deleteDestination(id: string): Promise<boolean> {
    const delivery = this.conn.q.delivery
    return this.conn.write(() => {
      delivery.DELETE_CURSOR.run(id)
      delivery.DELETE_PARKED_OF_DESTINATION.run(id)
      return this.#config.DELETE_DESTINATION.run(id).changes > 0
    })
  }

  // ------------------------------------------------------------ mappings

  async createMapping(input: T.NewMapping): Promise<T.Mapping> {
    const id = input.id ?? randomUUID()
    try {
      this.#config.INSERT_MAPPING.run({
        id,
        destinationId: input.destinationId,
        name: input.name,
        enabled: bit(input.enabled ?? true),
        trigger: input.trigger,
        action: input.action,
        fields: JSON.stringify(input.fields ?? {}),
        batching: input.batching ? JSON.stringify(input.batching) : null,
        position: input.position ?? null,
        createdAt: input.createdAt ?? Date.now(),
      })
    } catch (cause) {
      const code = (cause as { code?: string }).code
      if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new StoreError('not_found', `Destination ${input.destinationId} does not exist`, { cause })
      }
      if (isUniqueViolation(cause)) {
        throw new StoreError('conflict', `Mapping ${id} already exists`, { cause })
      }
      throw cause
    }
    return (await this.getMapping(id))!
  }

  async getMapping(id: string): Promise<T.Mapping | null> {
    const row = this.#config.SELECT_MAPPING.get(id) as Row | undefined
    return row ? rowToMapping(row) : null
  }

  async listMappings(destinationId?: string): Promise<T.Mapping[]> {
    const rows =
      destinationId === undefined
        ? this.#config.SELECT_MAPPINGS.all()
        : this.#config.SELECT_MAPPINGS_OF_DESTINATION.all(destinationId)
    return (rows as Row[]).map(rowToMapping)
  }

  async countMappings(destinationId: string): Promise<number> {
    return (this.#config.COUNT_MAPPINGS.get(destinationId) as { n: number }).n
  }

  async updateMapping(id: string, patch: T.MappingPatch): Promise<T.Mapping | null> {
    const updated = this.conn.write(() => {
      const row = this.#config.SELECT_MAPPING.get(id) as Row | undefined
      if (!row) return false
      const current = rowToMapping(row)
      const next = { ...current, ...patch }
      this.#config.UPDATE_MAPPING.run({
        id,
        name: next.name,
        enabled: bit(next.enabled),
        trigger: next.trigger,
        action: next.action,
        fields: JSON.stringify(next.fields),
        batching: next.batching ? JSON.stringify(next.batching) : null,
        position: next.position,
        updatedAt: Date.now(),
      })
      return true
    })
    return updated ? this.getMapping(id) : null
  }

  async deleteMapping(id: string): Promise<boolean> {
    return this.#config.DELETE_MAPPING.run(id).changes > 0
  }

  // ------------------------------------------------------------ configuration revisions

  async saveConfigRevision(config: string, at = Date.now()): Promise<number> {
    const revisions = this.conn.q.revisions
    return this.conn.write(() => {
      const latest = revisions.SELECT_LATEST_REVISION.get() as Row | undefined
      if (latest !== undefined && latest.config === config) return Number(latest.revision)
      return Number(revisions.INSERT_REVISION.run(at, config).lastInsertRowid)
    })
  }

  async getConfigRevision(revision: number): Promise<T.ConfigRevision | null> {
    const row = this.conn.q.revisions.SELECT_REVISION.get(revision) as Row | undefined
    return row === undefined ? null : rowToRevision(row)
  }

  async latestConfigRevision(): Promise<T.ConfigRevision | null> {
    const row = this.conn.q.revisions.SELECT_LATEST_REVISION.get() as Row | undefined
    return row === undefined ? null : rowToRevision(row)
  }
}

/** A duplicate id or key (PostgreSQL's 23505); other constraint failures are not conflicts. */
function isUniqueViolation(cause: unknown): boolean {
  const code = (cause as { code?: string }).code
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE'
}
