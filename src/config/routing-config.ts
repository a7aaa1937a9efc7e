// The routing configuration (src/routing/config.ts) of what the store holds: destinations without
// their secrets, whether each receives (enabled, with an API key), and their mappings in order.
import type { RoutingConfig, RoutingDestination, RoutingMapping } from '../routing/config.js'
import type { Destination, Mapping, Store } from '../store/types.js'

export function routingMapping(mapping: Mapping): RoutingMapping {
  return {
    id: mapping.id,
    name: mapping.name,
    enabled: mapping.enabled,
    trigger: mapping.trigger,
    action: mapping.action,
    fields: mapping.fields,
    batching: mapping.batching,
  }
}

/** `mappings`: the destination's, in position order. */
export function routingDestination(
  destination: Pick<Destination, 'id' | 'name' | 'settings'>,
  mappings: readonly Mapping[],
  receives: boolean,
): RoutingDestination {
  // Settings are kept without secrets; an API key never belongs in a routing configuration.
  const { apiKey: _secret, ...settings } = destination.settings
  return {
    id: destination.id,
    name: destination.name,
    settings,
    receives,
    mappings: mappings.map(routingMapping),
  }
}

/** The store's current configuration for routing. */
export async function readRoutingConfig(store: Store): Promise<RoutingConfig> {
  const byDestination = new Map<string, Mapping[]>()
  for (const mapping of await store.listMappings()) {
    const list = byDestination.get(mapping.destinationId)
    if (list === undefined) byDestination.set(mapping.destinationId, [mapping])
    else list.push(mapping)
  }
  return {
    destinations: (await store.listDestinations()).map((destination) =>
      routingDestination(
        destination,
        byDestination.get(destination.id) ?? [],
        destination.enabled && destination.hasApiKey,
      ),
    ),
  }
}
