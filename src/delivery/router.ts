// The router: destinations and their mappings compiled ONCE (when the configuration changes), then
// for each stored event every enabled mapping whose trigger matches plans its deliveries → jobs.
// A payload that fails validation becomes a routing failure (a `failed` outcome), never a silent drop.
import type { CompiledMapping } from '../iterable/mappings.js'
import { compileMappingConfig } from '../iterable/mappings.js'
import { planEvent } from '../iterable/plan.js'
import { validateSettings, type IterableSettings } from '../iterable/settings.js'
import type { AcceptedEvent, IngestRouting, Mapping, NewJob, RoutingFailure } from '../store/types.js'
import { encodePayload, queueEndpoint } from './job-payload.js'

/** A destination the router sends to (the caller passes only enabled destinations with an API key). */
export interface RouterDestination {
  id: string
  name: string
  settings: Record<string, unknown>
  mappings: readonly Mapping[]
}

/** A mapping or destination that could not be compiled; its events are not routed (and it is logged). */
export interface RouterCompileProblem {
  destinationId: string
  mappingId: string | null
  message: string
}

interface RoutedMapping {
  id: string
  compiled: CompiledMapping
}

interface RoutedDestination {
  id: string
  settings: IterableSettings
  mappings: RoutedMapping[]
}

/** The barrier of identify-first: an Upsert User job holds back the same user's later jobs. */
const BARRIER_ACTIONS: ReadonlySet<string> = new Set(['updateUser'])

export class Router {
  readonly problems: RouterCompileProblem[] = []
  readonly #destinations: RoutedDestination[] = []

  constructor(destinations: readonly RouterDestination[]) {
    for (const destination of destinations) {
      let settings: IterableSettings
      try {
        settings = validateSettings(destination.settings, { requireApiKey: false })
      } catch (error) {
        this.problems.push({ destinationId: destination.id, mappingId: null, message: messageOf(error) })
        continue
      }
      const mappings: RoutedMapping[] = []
      for (const mapping of destination.mappings) {
        if (!mapping.enabled) continue
        try {
          const compiled = compileMappingConfig({
            name: mapping.name,
            enabled: true,
            trigger: mapping.trigger,
            action: mapping.action,
            fields: mapping.fields,
            ...(mapping.batching ? { batching: mapping.batching } : {}),
          })
          mappings.push({ id: mapping.id, compiled })
        } catch (error) {
          this.problems.push({
            destinationId: destination.id,
            mappingId: mapping.id,
            message: messageOf(error),
          })
        }
      }
      this.#destinations.push({ id: destination.id, settings, mappings })
    }
  }

  /** Whether any destination would receive anything (false: events are only stored). */
  get active(): boolean {
    return this.#destinations.some((d) => d.mappings.length > 0)
  }

  /**
   * Jobs and failures for the accepted events. `events[accepted[i].index]` is the event; `receivedAt`
   * is the ingest time. Synchronous and store-free: it runs inside the ingest transaction.
   */
  route(events: readonly unknown[], accepted: readonly AcceptedEvent[], receivedAt: number): IngestRouting {
    const jobs: NewJob[] = []
    const failures: RoutingFailure[] = []
    if (this.#destinations.length === 0) return { jobs, failures }
    for (const entry of accepted) {
      const event = events[entry.index]
      for (const destination of this.#destinations) {
        for (const mapping of destination.mappings) {
          const compiled = mapping.compiled
          let matches: boolean
          try {
            matches = compiled.trigger(event)
          } catch {
            matches = false
          }
          if (!matches) continue
          const plan = planEvent(compiled, event, destination.settings, { receivedAt })
          if (!plan.ok) {
            failures.push({
              destinationId: destination.id,
              mappingId: mapping.id,
              eventId: entry.eventId,
              messageId: entry.messageId,
              action: compiled.action.key,
              userKey: userKeyOf(event),
              errorCode: plan.error.code,
              errorMessage: plan.error.message,
            })
            continue
          }
          for (const delivery of plan.deliveries) {
            const batched = delivery.bulkEndpoint !== undefined
            const userKey = delivery.userKey ?? null
            jobs.push({
              destinationId: destination.id,
              endpoint: queueEndpoint(delivery, batched),
              mappingId: mapping.id,
              eventId: entry.eventId,
              messageId: entry.messageId,
              action: delivery.action,
              orderingKey: userKey,
              isBarrier: userKey !== null && BARRIER_ACTIONS.has(delivery.action),
              batchKey: batched ? (delivery.batchKey ?? delivery.bulkEndpoint ?? null) : null,
              payload: encodePayload(delivery, batched, compiled.batching.size),
            })
          }
        }
      }
    }
    return { jobs, failures }
  }
}

/** userId, else email (traits or context.traits), for the store's per-user lookups. */
export function userKeyOf(event: unknown): string | null {
  if (event === null || typeof event !== 'object') return null
  const e = event as {
    userId?: unknown
    traits?: { email?: unknown }
    context?: { traits?: { email?: unknown } }
  }
  if (typeof e.userId === 'string' && e.userId !== '') return e.userId
  const email = e.traits?.email ?? e.context?.traits?.email
  return typeof email === 'string' && email !== '' ? email : null
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
