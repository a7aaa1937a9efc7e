// Configuration as code against the store: export the store's configuration in the schema that
// `apply` takes back (plan.ts), with ids so that `apply` recognises every item. Secrets are never
// exported: the API key becomes `${ITERABLE_API_KEY}`.
import type { ActionKey } from '../iterable/actions/types.js'
import type { ConfigFile } from './schema.js'
import type { Store } from '../store/types.js'

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
      id: m.id,
      name: m.name,
      enabled: m.enabled,
      trigger: m.trigger,
      action: m.action as ActionKey,
      fields: m.fields,
      ...(m.batching ? { batching: m.batching } : {}),
    }))
    destinations.push({
      id: destination.id,
      name: destination.name,
      type: 'iterable' as const,
      enabled: destination.enabled,
      settings,
      mappings,
    })
  }
  return { sources, destinations }
}
