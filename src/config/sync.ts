// Configuration as code against the store: apply a loaded configuration (sources, destinations with
// their API keys, mappings) and export the store's configuration in the same schema. Secrets are
// never exported: the API key becomes `${ITERABLE_API_KEY}`.
import type { ActionKey } from '../iterable/actions/types.js'
import type { LoadedConfig } from './load.js'
import type { ConfigFile } from './schema.js'
import type { Store } from '../store/types.js'

export interface ApplySummary {
  sourcesCreated: string[]
  destinationsCreated: string[]
  destinationsUpdated: string[]
  /** Destinations whose pause (401) was cleared because their key or settings changed. */
  destinationsResumed: string[]
  mappings: number
}

/**
 * Applies a configuration: sources are added when their write key is new; destinations are matched
 * by name (created or updated) and their mappings replaced by the configured ones, in order.
 * Destinations and sources not named in the file are left alone.
 */
export async function applyConfig(store: Store, config: LoadedConfig): Promise<ApplySummary> {
  const summary: ApplySummary = {
    sourcesCreated: [],
    destinationsCreated: [],
    destinationsUpdated: [],
    destinationsResumed: [],
    mappings: 0,
  }
  for (const source of config.sources) {
    if (source.writeKey === '') continue
    if ((await store.findSourceByWriteKey(source.writeKey)) !== null) continue
    await store.createSource({ name: source.name, writeKey: source.writeKey })
    summary.sourcesCreated.push(source.name)
  }
  const existing = await store.listDestinations()
  for (const destination of config.destinations) {
    const { apiKey, ...settings } = destination.settings as unknown as Record<string, unknown>
    const key = typeof apiKey === 'string' && apiKey !== '' ? apiKey : null
    let current = existing.find((d) => d.name === destination.name)
    if (current === undefined) {
      current = await store.createDestination({
        name: destination.name,
        kind: 'iterable',
        settings,
        apiKey: key,
        enabled: destination.enabled,
      })
      summary.destinationsCreated.push(destination.name)
    } else {
      const oldKey = await store.getDestinationApiKey(current.id)
      const changed = oldKey !== key || JSON.stringify(current.settings) !== JSON.stringify(settings)
      await store.updateDestination(current.id, { settings, apiKey: key, enabled: destination.enabled })
      summary.destinationsUpdated.push(destination.name)
      if (current.paused !== null && changed) {
        await store.setDestinationPaused(current.id, null)
        summary.destinationsResumed.push(destination.name)
      }
      for (const mapping of await store.listMappings(current.id)) await store.deleteMapping(mapping.id)
    }
    for (const [position, mapping] of destination.mappings.entries()) {
      await store.createMapping({
        destinationId: current.id,
        name: mapping.name,
        enabled: mapping.enabled ?? true,
        trigger: mapping.trigger,
        action: mapping.action,
        fields: mapping.fields,
        batching: mapping.batching ? { ...mapping.batching } : null,
        position,
      })
      summary.mappings++
    }
  }
  return summary
}

/** The store's configuration in the config file schema; API keys as `${ITERABLE_API_KEY}`. */
export async function exportConfig(store: Store): Promise<ConfigFile> {
  const sources = []
  for (const source of await store.listSources()) {
    if (source.revokedAt !== null) continue
    const writeKey = await store.getSourceWriteKey(source.id)
    if (writeKey !== null) sources.push({ name: source.name, writeKey })
  }
  const destinations = []
  for (const destination of await store.listDestinations()) {
    const settings: Record<string, string> = {}
    for (const [name, value] of Object.entries(destination.settings)) {
      if (typeof value === 'string') settings[name] = value
    }
    if (destination.hasApiKey) settings.apiKey = '${ITERABLE_API_KEY}'
    const mappings = (await store.listMappings(destination.id)).map((m) => ({
      name: m.name,
      enabled: m.enabled,
      trigger: m.trigger,
      action: m.action as ActionKey,
      fields: m.fields,
      ...(m.batching ? { batching: m.batching } : {}),
    }))
    destinations.push({
      name: destination.name,
      type: 'iterable' as const,
      enabled: destination.enabled,
      settings,
      mappings,
    })
  }
  return { sources, destinations }
}
