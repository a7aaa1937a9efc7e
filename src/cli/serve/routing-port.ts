// The routing delivery is handed (delivery/routing-port.ts), over the routing module: a configuration
// revision is the store's destinations and mappings as a RoutingConfig (JSON, no secrets), compiled
// once by Routing.compile; an event routes into the items and failures routing numbers (ordinals)
// and keys (ordering keys). It lives here, in the composition, because delivery imports no routing.
import { routingDestination } from '../../config/routing-config.js'
import type { CompiledRouting, RouteResult, RoutingPort } from '../../delivery/index.js'
import { Routing, type RoutingConfig } from '../../routing/index.js'

export const routingPort: RoutingPort = {
  configOf(destinations, mappings, keyed) {
    const config: RoutingConfig = {
      destinations: destinations.map((d) =>
        routingDestination(
          d,
          mappings.filter((m) => m.destinationId === d.id),
          d.enabled && keyed.has(d.id),
        ),
      ),
    }
    return JSON.stringify(config)
  },

  compile(text) {
    const routing = Routing.compile(JSON.parse(text) as RoutingConfig)
    // Every destination that receives and compiled, even one whose mappings produce nothing: delivery
    // follows the log of each, and skips (without parsing) the events of the others.
    const receiving = new Set(routing.destinations.map((d) => d.id))
    const compiled: CompiledRouting = {
      problems: routing.problems,
      receives: (destinationId) => receiving.has(destinationId),
      route(event, destinationId, receivedAt) {
        if (!receiving.has(destinationId)) return nothing()
        // One destination asked for: at most one entry. Ordinals count items and failures together.
        const [routed] = routing.route(event, { receivedAt, destinationId })
        if (routed === undefined) return nothing()
        return { items: routed.items, refusals: routed.failures }
      },
    }
    return compiled
  },
}

function nothing(): RouteResult {
  return { items: [], refusals: [] }
}
