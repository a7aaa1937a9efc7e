// Sources, destinations and mappings: the configuration tables, and the configuration revisions.
// Write keys and API keys are sealed with the secret box (the row id as additional data); write keys
// are also kept as a hash for lookups.
import { randomUUID } from 'node:crypto'
import { StoreError } from '../errors.js'
import { rowToDestination, rowToMapping, rowToRevision, rowToSource, text } from '../rows.js'
import { secretHint } from '../../util/secret-hint.js'
import { hashWriteKey, patchSealedApiKey, type SecretBox } from '../secrets.js'
import type * as T from '../types.js'
import { pgCode, Q, type PgConnection } from './connection.js'

export class ConfigTables {
  constructor(
    readonly db: PgConnection,
    readonly box: SecretBox,
  ) {}

  // sources

  async createSource(input: T.NewSource): Promise<T.Source> {
    const id = input.id ?? randomUUID()
    try {
      await this.db.count(Q.config.INSERT_SOURCE, [
        id,
        input.name,
        hashWriteKey(input.writeKey),
        this.box.encrypt(input.writeKey, `source:${id}`),
        secretHint(input.writeKey),
        input.createdAt ?? Date.now(),
      ])
    } catch (cause) {
      if (pgCode(cause) === '23505')
        throw new StoreError('conflict', 'A source with this id or write key already exists', { cause })
      throw cause
    }
    return (await this.getSource(id))!
  }

  getSource(id: string): Promise<T.Source | null> {
    return this.db.one(Q.config.SELECT_SOURCE, [id], rowToSource)
  }

  async listSources(): Promise<T.Source[]> {
    return (await this.db.rows(Q.config.SELECT_SOURCES, [])).map(rowToSource)
  }

  findSourceByWriteKey(writeKey: string): Promise<T.Source | null> {
    return this.db.one(Q.config.SELECT_SOURCE_BY_KEY_HASH, [hashWriteKey(writeKey)], rowToSource)
  }

  getSourceWriteKey(id: string): Promise<string | null> {
    return this.db.one(Q.config.SELECT_SOURCE, [id], (r) =>
      this.box.decrypt(String(r.write_key_sealed), `source:${id}`),
    )
  }

  async revokeSource(id: string, at = Date.now()): Promise<boolean> {
    return (await this.db.count(Q.config.REVOKE_SOURCE, [id, at])) > 0
  }

  async deleteSource(id: string): Promise<boolean> {
    return (await this.db.count(Q.config.DELETE_SOURCE, [id])) > 0
  }

  // destinations

  async createDestination(input: T.NewDestination): Promise<T.Destination> {
    const id = input.id ?? randomUUID()
    try {
      await this.db.count(Q.config.INSERT_DESTINATION, [
        id,
        input.name,
        input.kind,
        JSON.stringify(input.settings ?? {}),
        input.apiKey ? this.box.encrypt(input.apiKey, `destination:${id}`) : null,
        input.enabled ?? true,
        input.createdAt ?? Date.now(),
      ])
    } catch (cause) {
      if (pgCode(cause) === '23505')
        throw new StoreError('conflict', `Destination ${id} already exists`, { cause })
      throw cause
    }
    return (await this.getDestination(id))!
  }

  getDestination(id: string): Promise<T.Destination | null> {
    return this.db.one(Q.config.SELECT_DESTINATION, [id], rowToDestination)
  }

  async listDestinations(): Promise<T.Destination[]> {
    return (await this.db.rows(Q.config.SELECT_DESTINATIONS, [])).map(rowToDestination)
  }

  async updateDestination(id: string, patch: T.DestinationPatch): Promise<T.Destination | null> {
    const updated = await this.db.transaction(async (client) => {
      const [row] = await this.db.rows(Q.config.SELECT_DESTINATION_FOR_UPDATE, [id], client)
      if (!row) return false
      const sealed = patchSealedApiKey(this.box, id, patch.apiKey, row.api_key_sealed)
      await this.db.count(
        Q.config.UPDATE_DESTINATION,
        [
          id,
          patch.name ?? row.name,
          patch.settings === undefined ? row.settings : JSON.stringify(patch.settings),
          sealed,
          patch.enabled ?? row.enabled,
          Date.now(),
        ],
        client,
      )
      return true
    })
    return updated ? this.getDestination(id) : null
  }

  async setDestinationPaused(id: string, paused: T.PausedState | null): Promise<boolean> {
    return (
      (await this.db.count(Q.config.SET_DESTINATION_PAUSED, [
        id,
        paused?.reason ?? null,
        paused?.since ?? null,
        Date.now(),
      ])) > 0
    )
  }

  async getDestinationApiKey(id: string): Promise<string | null> {
    const [row] = await this.db.rows(Q.config.SELECT_DESTINATION, [id])
    if (!row || row.api_key_sealed === null) return null
    return this.box.decrypt(text(row.api_key_sealed), `destination:${id}`)
  }

  /** With its mappings (cascade), its cursor and its parked items, in one statement. */
  async deleteDestination(id: string): Promise<boolean> {
    return (await this.db.count(Q.config.DELETE_DESTINATION, [id])) > 0
  }

  // mappings

  async createMapping(input: T.NewMapping): Promise<T.Mapping> {
    const id = input.id ?? randomUUID()
    try {
      await this.db.count(Q.config.INSERT_MAPPING, [
        id,
        input.destinationId,
        input.name,
        input.enabled ?? true,
        input.trigger,
        input.action,
        JSON.stringify(input.fields ?? {}),
        input.batching ? JSON.stringify(input.batching) : null,
        input.position ?? null,
        input.createdAt ?? Date.now(),
      ])
    } catch (cause) {
      if (pgCode(cause) === '23503') {
        throw new StoreError('not_found', `Destination ${input.destinationId} does not exist`, { cause })
      }
      if (pgCode(cause) === '23505')
        throw new StoreError('conflict', `Mapping ${id} already exists`, { cause })
      throw cause
    }
    return (await this.getMapping(id))!
  }

  getMapping(id: string): Promise<T.Mapping | null> {
    return this.db.one(Q.config.SELECT_MAPPING, [id], rowToMapping)
  }

  async listMappings(destinationId?: string): Promise<T.Mapping[]> {
    const rows =
      destinationId === undefined
        ? await this.db.rows(Q.config.SELECT_MAPPINGS, [])
        : await this.db.rows(Q.config.SELECT_MAPPINGS_OF_DESTINATION, [destinationId])
    return rows.map(rowToMapping)
  }

  async countMappings(destinationId: string): Promise<number> {
    return Number((await this.db.rows(Q.config.COUNT_MAPPINGS, [destinationId]))[0].n)
  }

  async updateMapping(id: string, patch: T.MappingPatch): Promise<T.Mapping | null> {
    const updated = await this.db.transaction(async (client) => {
      const [row] = await this.db.rows(Q.config.SELECT_MAPPING_FOR_UPDATE, [id], client)
      if (!row) return false
      const next = { ...rowToMapping(row), ...patch }
      await this.db.count(
        Q.config.UPDATE_MAPPING,
        [
          id,
          next.name,
          next.enabled,
          next.trigger,
          next.action,
          JSON.stringify(next.fields),
          next.batching ? JSON.stringify(next.batching) : null,
          next.position,
          Date.now(),
        ],
        client,
      )
      return true
    })
    return updated ? this.getMapping(id) : null
  }

  async deleteMapping(id: string): Promise<boolean> {
    return (await this.db.count(Q.config.DELETE_MAPPING, [id])) > 0
  }

  // configuration revisions

  async saveConfigRevision(config: string, at = Date.now()): Promise<number> {
    return this.db.transaction(async (client) => {
      await this.db.count(Q.revisions.LOCK_REVISIONS, [], client)
      const [latest] = await this.db.rows(Q.revisions.SELECT_LATEST_REVISION, [], client)
      if (latest !== undefined && latest.config === config) return Number(latest.revision)
      const [row] = await this.db.rows(Q.revisions.INSERT_REVISION, [at, config], client)
      return Number(row.revision)
    })
  }

  getConfigRevision(revision: number): Promise<T.ConfigRevision | null> {
    return this.db.one(Q.revisions.SELECT_REVISION, [revision], rowToRevision)
  }

  latestConfigRevision(): Promise<T.ConfigRevision | null> {
    return this.db.one(Q.revisions.SELECT_LATEST_REVISION, [], rowToRevision)
  }
}
