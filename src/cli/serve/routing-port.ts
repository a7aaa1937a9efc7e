// The routing delivery is handed (provisional adapter over the mapping compiler; the routing module
// replaces it): a configuration revision from the store's destinations and mappings, compiled once,
// routes an event into items with stable ordinals and ordering keys.
import type {
  CompiledRouting,
  RoutedItem,
  RoutedRefusal,
  RoutingPort,
  RoutingProblem,
} from '../../delivery/index.js'
import type { PlannedDelivery } from '../../iterable/actions/types.js'
import { compileMappingConfig, type CompiledMapping } from '../../iterable/mappings.js'
import { planEvent } from '../../iterable/plan.js'
import { createsUser } from '../../iterable/user-creation.js'
import { validateSettings, type IterableSettings } from '../../iterable/settings.js'

interface ConfigMapping {
  id: string
  name: string
  enabled: boolean
  trigger: string
  action: string
  fields: Record<string, unknown>
  batching: Record<string, unknown> | null
}

interface ConfigDestination {
  id: string
  name: string
  settings: Record<string, unknown>
  receives: boolean
  mappings: ConfigMapping[]
}

interface Compiled {
  settings: IterableSettings
  mappings: { id: string; compiled: CompiledMapping }[]
}

export const routingPort: RoutingPort = {
  configOf(destinations, mappings, keyed) {
    const config: { destinations: ConfigDestination[] } = {
      destinations: destinations.map((d) => ({
        id: d.id,
        name: d.name,
        settings: d.settings,
        receives: d.enabled && keyed.has(d.id),
        mappings: mappings
          .filter((m) => m.destinationId === d.id)
          .map((m) => ({
            id: m.id,
            name: m.name,
            enabled: m.enabled,
            trigger: m.trigger,
            action: m.action,
            fields: m.fields,
            batching: m.batching,
          })),
      })),
    }
    return JSON.stringify(config)
  },
  compile(text) {
    const config = JSON.parse(text) as { destinations: ConfigDestination[] }
    const problems: RoutingProblem[] = []
    const compiled = new Map<string, Compiled>()
    for (const destination of config.destinations) {
      if (!destination.receives) continue
      let settings: IterableSettings
      try {
        settings = validateSettings(destination.settings, { requireApiKey: false })
      } catch (error) {
        problems.push({ destinationId: destination.id, mappingId: null, message: messageOf(error) })
        continue
      }
      const mappings: Compiled['mappings'] = []
      for (const mapping of destination.mappings) {
        if (!mapping.enabled) continue
        try {
          mappings.push({
            id: mapping.id,
            compiled: compileMappingConfig({
              name: mapping.name,
              enabled: true,
              trigger: mapping.trigger,
              action: mapping.action,
              fields: mapping.fields,
              ...(mapping.batching ? { batching: mapping.batching } : {}),
            }),
          })
        } catch (error) {
          problems.push({ destinationId: destination.id, mappingId: mapping.id, message: messageOf(error) })
        }
      }
      compiled.set(destination.id, { settings, mappings })
    }
    const routing: CompiledRouting = {
      problems,
      receives: (id) => compiled.has(id),
      route(event, destinationId, receivedAt) {
        const items: RoutedItem[] = []
        const refusals: RoutedRefusal[] = []
        const destination = compiled.get(destinationId)
        if (destination === undefined) return { items, refusals }
        let ordinal = 0
        for (const { id, compiled: mapping } of destination.mappings) {
          let matches: boolean
          try {
            matches = mapping.trigger(event)
          } catch (error) {
            refusals.push({
              ordinal: ordinal++,
              mappingId: id,
              action: mapping.action.key,
              code: 'TRIGGER_ERROR',
              message: messageOf(error),
            })
            continue
          }
          if (!matches) continue
          const plan = planEvent(mapping, event, destination.settings, { receivedAt })
          if (!plan.ok) {
            refusals.push({ ordinal: ordinal++, mappingId: id, action: mapping.action.key, ...plan.error })
            continue
          }
          for (const delivery of plan.deliveries) items.push(itemOf(delivery, id, ordinal++, mapping))
        }
        return { items, refusals }
      },
    }
    return routing
  },
}

function itemOf(
  delivery: PlannedDelivery,
  mappingId: string,
  ordinal: number,
  mapping: CompiledMapping,
): RoutedItem {
  const item: RoutedItem = {
    ordinal,
    mappingId,
    action: delivery.action,
    path: delivery.endpoint,
    body: delivery.item,
    keys: keysOf(delivery),
  }
  if (delivery.bulkEndpoint !== undefined) {
    item.bulk = {
      path: delivery.bulkEndpoint,
      listKey: delivery.bulkListKey ?? 'events',
      batchKey: delivery.batchKey ?? delivery.bulkEndpoint,
      batchSize: mapping.batching.size,
      ...(delivery.bulkEnvelope !== undefined ? { envelope: delivery.bulkEnvelope } : {}),
    }
  }
  if (delivery.followUps !== undefined && delivery.followUps.length > 0) item.followUps = delivery.followUps
  if (createsUser(delivery)) item.createsUser = true
  return item
}

/** Every userId and lowercased email the item's requests carry (provisional). */
function keysOf(delivery: PlannedDelivery): string[] {
  const keys = new Set<string>()
  const add = (body: Record<string, unknown> | undefined): void => {
    if (body === undefined) return
    const user = (body.user ?? {}) as Record<string, unknown>
    for (const value of [body.userId, user.userId, body.currentUserId]) {
      if (typeof value === 'string' && value !== '') keys.add(`u:${value}`)
    }
    for (const value of [body.email, user.email, body.currentEmail, body.newEmail]) {
      if (typeof value === 'string' && value !== '') keys.add(`e:${value.toLowerCase()}`)
    }
  }
  add(delivery.item)
  for (const followUp of delivery.followUps ?? []) add(followUp.body)
  return [...keys]
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
