// What delivery is handed to turn stored events into items, so that it needs no mapping code: the
// caller (serve's composition) implements it with the routing module.
import type { Destination, Mapping } from '../store/types.js'
import type { RouteResult } from './item.js'

export interface RoutingProblem {
  destinationId: string
  mappingId: string | null
  message: string
}

/** One configuration revision, compiled once. */
export interface CompiledRouting {
  readonly problems: readonly RoutingProblem[]
  /** Whether `destinationId` receives events in this revision (enabled, with an API key). */
  receives(destinationId: string): boolean
  /** What a (parsed) event causes at `destinationId`; never throws for a bad event. */
  route(event: unknown, destinationId: string, receivedAt: number): RouteResult
}

export interface RoutingPort {
  /**
   * The routing configuration of these destinations and mappings, as JSON text: what is stored as a
   * configuration revision. `keyed` says which destinations have an API key.
   */
  configOf(
    destinations: readonly Destination[],
    mappings: readonly Mapping[],
    keyed: ReadonlySet<string>,
  ): string
  compile(config: string): CompiledRouting
}
