// Routing: a configuration compiled once (settings validated, every enabled mapping of every
// receiving destination compiled), then for each event the work it causes at each destination —
// the deliveries of every matching mapping and the failures of those that could not be sent.
import type {
  ActionKey,
  FollowUpRequest,
  JsonObject,
  PlannedDelivery,
  RequestMethod,
} from '../iterable/actions/types.js'
import type { BulkListKey } from '../iterable/bulk-body.js'
import { compileMappingConfig, type CompiledMapping } from '../iterable/mappings.js'
import { orderingKeys } from '../iterable/ordering-keys.js'
import { createsUser } from '../iterable/user-creation.js'
import { validateSettings, type IterableSettings } from '../iterable/settings.js'
import type { RoutingConfig } from './config.js'
import { evaluateMapping, type EvaluateOptions, type MappingEvaluation } from './evaluate.js'

/** A destination or mapping that could not be compiled: it routes nothing (the others still do). */
export interface RoutingProblem {
  destinationId: string
  /** null: the destination's settings are at fault. */
  mappingId: string | null
  /** `INVALID_SETTINGS`, `TRIGGER_SYNTAX`, `MAPPING_INVALID`, `INVALID_MAPPING` … */
  code: string
  message: string
}

export interface CompiledRoutingMapping {
  readonly id: string
  readonly compiled: CompiledMapping
}

/** A receiving destination, compiled. */
export interface CompiledRoutingDestination {
  readonly id: string
  readonly name: string
  readonly settings: IterableSettings
  /** Enabled mappings, in position order. */
  readonly mappings: readonly CompiledRoutingMapping[]
}

export interface RouteOptions {
  /** When this service received the event, in ms (D5: the createdAt default). */
  receivedAt: number
  /** Only this destination's work. */
  destinationId?: string
  /** False: single requests even for mappings that batch. Default true. */
  batching?: boolean
}

/** Where a batched item goes: a bulk body of its batch key. */
export interface BulkTarget {
  path: string
  listKey: BulkListKey
  /** Top-level keys of the body besides the list (`{updateOnly: true}`). */
  envelope?: JsonObject
  /** Items of equal batch key (and destination) may share a body. */
  batchKey: string
  /** The mapping's items per body. */
  batchSize: number
  /** The bulk request's method when not POST. */
  method?: 'PUT'
  /** The list holds this key's value of each item rather than the item (subscriptions). */
  element?: 'email' | 'userId'
}

/** One delivery an event causes at a destination. */
export interface RoutedItem {
  /**
   * 0, 1, 2 … over the items and failures of this event at this destination, in mapping order: the
   * same for the same event and configuration, so (destination, event, ordinal) names the item.
   */
  ordinal: number
  mappingId: string
  action: ActionKey
  /** The single request's path (`/api/events/track` …). */
  path: string
  /** The single request's method when not POST (PATCH and DELETE carry no body). */
  method?: Exclude<RequestMethod, 'POST'>
  /** The documented endpoint when the path carries values: requests to it share a lane. */
  route?: string
  /** Set when the mapping batches: the item goes in a bulk body. */
  bulk?: BulkTarget
  /** The single request's body, or the bulk item. */
  body: JsonObject
  /** Requests sent after this one succeeded (updateEmail). */
  followUps?: FollowUpRequest[]
  /** Ordering keys: every userId (`u:…`) and lower-cased email (`e:…`) its requests carry. */
  keys: string[]
  /** Iterable creates the user if unknown (iterable/user-creation.ts): it may pass an item waiting for its user. */
  createsUser?: true
  /** The Iterable list's name, resolved to its id when sent (syncAudience without a list id). */
  listName?: string
}

/** A matching mapping whose payload could not be sent (validation, refusal, trigger or mapping error). */
export interface RoutingFailure {
  mappingId: string
  action: ActionKey
  ordinal: number
  code: string
  message: string
}

export interface DestinationRouting {
  destinationId: string
  /** Every delivery of every matching mapping, in mapping order. */
  items: RoutedItem[]
  failures: RoutingFailure[]
}

/** A mapping that matched (or whose trigger failed) and what it made of the event. */
export interface MappingRun {
  mappingId: string
  mapping: CompiledMapping
  evaluation: MappingEvaluation
}

export interface DestinationEvaluation {
  destination: CompiledRoutingDestination
  /** In mapping order. */
  runs: MappingRun[]
}

export type EvaluateAllOptions = EvaluateOptions & { destinationId?: string }

export class Routing {
  readonly problems: readonly RoutingProblem[]
  /** The receiving destinations, in configuration order. */
  readonly destinations: readonly CompiledRoutingDestination[]

  private constructor(destinations: CompiledRoutingDestination[], problems: RoutingProblem[]) {
    this.destinations = destinations
    this.problems = problems
  }

  /** Compiles every enabled mapping of every receiving destination, once. Never throws for a bad mapping. */
  static compile(config: RoutingConfig): Routing {
    const problems: RoutingProblem[] = []
    const destinations: CompiledRoutingDestination[] = []
    for (const destination of config.destinations) {
      if (!destination.receives) continue
      let settings: IterableSettings
      try {
        settings = validateSettings(destination.settings, { requireApiKey: false })
      } catch (error) {
        problems.push({ destinationId: destination.id, mappingId: null, ...problemOf(error) })
        continue
      }
      const mappings: CompiledRoutingMapping[] = []
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
          problems.push({ destinationId: destination.id, mappingId: mapping.id, ...problemOf(error) })
        }
      }
      destinations.push({ id: destination.id, name: destination.name, settings, mappings })
    }
    return new Routing(destinations, problems)
  }

  /** Routing over destinations compiled elsewhere (a loaded configuration file, which compiles its mappings to check them). */
  static ofCompiled(destinations: readonly CompiledRoutingDestination[]): Routing {
    return new Routing(
      destinations.map((d) => ({ ...d, mappings: d.mappings.filter((m) => m.compiled.enabled) })),
      [],
    )
  }

  /**
   * The mappings that matched the event (or whose trigger failed on it; every mapping with `force`)
   * at each receiving destination (only `destinationId`'s when given), with the payload, its
   * validation and the deliveries: what preview, test mapping and event lookup show. Destinations
   * where no mapping ran are left out.
   */
  evaluate(event: unknown, options: EvaluateAllOptions = {}): DestinationEvaluation[] {
    const out: DestinationEvaluation[] = []
    for (const destination of this.destinations) {
      if (options.destinationId !== undefined && destination.id !== options.destinationId) continue
      let runs: MappingRun[] | undefined
      for (const { id, compiled } of destination.mappings) {
        const evaluation = evaluateMapping(compiled, event, destination.settings, options)
        if (!evaluation.ran && evaluation.triggerError === null) continue
        ;(runs ??= []).push({ mappingId: id, mapping: compiled, evaluation })
      }
      if (runs !== undefined) out.push({ destination, runs })
    }
    return out
  }

  /**
   * What the event causes at each receiving destination (only `destinationId`'s when given): items
   * and failures, numbered in mapping order. Destinations where it causes nothing are left out.
   */
  route(event: unknown, options: RouteOptions): DestinationRouting[] {
    const out: DestinationRouting[] = []
    for (const destination of this.destinations) {
      if (options.destinationId !== undefined && destination.id !== options.destinationId) continue
      let routed: DestinationRouting | undefined
      let ordinal = 0
      for (const { id, compiled } of destination.mappings) {
        const evaluation = evaluateMapping(compiled, event, destination.settings, options)
        if (!evaluation.ran && evaluation.triggerError === null) continue
        routed ??= { destinationId: destination.id, items: [], failures: [] }
        const error = evaluation.triggerError ?? evaluation.error
        if (error !== null) {
          routed.failures.push({ mappingId: id, action: compiled.action.key, ordinal: ordinal++, ...error })
          continue
        }
        for (const delivery of evaluation.deliveries) {
          routed.items.push(routedItem(delivery, ordinal++, id, compiled.batching.size))
        }
      }
      if (routed !== undefined) out.push(routed)
    }
    return out
  }
}

function routedItem(
  delivery: PlannedDelivery,
  ordinal: number,
  mappingId: string,
  batchSize: number,
): RoutedItem {
  const item: RoutedItem = {
    ordinal,
    mappingId,
    action: delivery.action,
    path: delivery.endpoint,
    body: delivery.item,
    keys: orderingKeys(delivery),
  }
  if (delivery.method !== undefined && delivery.method !== 'POST') item.method = delivery.method
  if (delivery.route !== undefined) item.route = delivery.route
  if (delivery.bulkEndpoint !== undefined) {
    const bulk: BulkTarget = {
      path: delivery.bulkEndpoint,
      listKey: delivery.bulkListKey ?? 'events',
      batchKey: delivery.batchKey ?? delivery.bulkEndpoint,
      batchSize,
    }
    if (delivery.bulkEnvelope !== undefined) bulk.envelope = delivery.bulkEnvelope
    if (delivery.bulkMethod !== undefined) bulk.method = delivery.bulkMethod
    if (delivery.bulkElement !== undefined) bulk.element = delivery.bulkElement
    item.bulk = bulk
  }
  if (delivery.followUps !== undefined && delivery.followUps.length > 0) item.followUps = delivery.followUps
  if (createsUser(delivery)) item.createsUser = true
  if (delivery.listName !== undefined) item.listName = delivery.listName
  return item
}

function problemOf(error: unknown): { code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return { code: typeof code === 'string' ? code : 'INVALID_MAPPING', message: error.message }
  }
  return { code: 'INVALID_MAPPING', message: String(error) }
}
