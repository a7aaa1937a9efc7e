// Routing: events → the work they cause (docs/routing.md). One module for every caller: delivery,
// replay, event lookup, test mapping and preview.
export type { RoutingConfig, RoutingDestination, RoutingMapping } from './config.js'
export { evaluateMapping } from './evaluate.js'
export type { EvaluateOptions, MappingEvaluation, RoutingError } from './evaluate.js'
export { Routing } from './routing.js'
export type {
  BulkTarget,
  CompiledRoutingDestination,
  CompiledRoutingMapping,
  DestinationEvaluation,
  DestinationRouting,
  EvaluateAllOptions,
  MappingRun,
  RouteOptions,
  RoutedItem,
  RoutingFailure,
  RoutingProblem,
} from './routing.js'
