// What routing needs of a configuration: destinations (non-secret settings, whether they receive)
// and their mappings in position order. Plain JSON data: it can be stored as an immutable
// configuration revision and compiled again from there.

export interface RoutingConfig {
  destinations: RoutingDestination[]
}

export interface RoutingDestination {
  id: string
  name: string
  /** The destination's settings without secrets (region, project type). */
  settings: Record<string, unknown>
  /** Enabled and has an API key: otherwise it gets nothing. */
  receives: boolean
  /** In position order. */
  mappings: RoutingMapping[]
}

export interface RoutingMapping {
  id: string
  name: string
  enabled: boolean
  trigger: string
  action: string
  fields: Record<string, unknown>
  batching: { enabled?: boolean; size?: number } | null
}
