// A destination compiled once (settings validated, every mapping compiled) and the router step:
// which mappings an event matches and what each one plans.
import type { PlannedDelivery } from './actions/types.js'
import {
  checkMappingLimit,
  compileMappingConfig,
  type CompiledMapping,
  type MappingConfig,
} from './mappings.js'
import { planEvent, type PlanError, type PlanOptions } from './plan.js'
import { validateSettings, type IterableSettings, type ValidateSettingsOptions } from './settings.js'

export interface DestinationConfig {
  name: string
  enabled?: boolean
  settings: unknown
  mappings: readonly MappingConfig[]
}

export interface CompiledDestination {
  readonly name: string
  readonly enabled: boolean
  readonly settings: IterableSettings
  readonly mappings: readonly CompiledMapping[]
}

/** Validates and compiles a destination; throws SettingsValidationError, MappingLimitError or MappingConfigError. */
export function compileDestination(
  config: DestinationConfig,
  options: ValidateSettingsOptions = {},
): CompiledDestination {
  const settings = validateSettings(config.settings, options)
  checkMappingLimit(config.mappings.length)
  return {
    name: config.name,
    enabled: config.enabled ?? true,
    settings,
    mappings: config.mappings.map(compileMappingConfig),
  }
}

export type MappingResult =
  | { mapping: CompiledMapping; ok: true; deliveries: PlannedDelivery[] }
  | { mapping: CompiledMapping; ok: false; error: PlanError }

/** Every enabled mapping whose trigger matches, in mapping order, with its plan. */
export function routeEvent(
  destination: CompiledDestination,
  event: unknown,
  options: PlanOptions = {},
): MappingResult[] {
  const results: MappingResult[] = []
  for (const mapping of destination.mappings) {
    if (!mapping.enabled || !mapping.trigger(event)) continue
    const plan = planEvent(mapping, event, destination.settings, options)
    results.push(
      plan.ok
        ? { mapping, ok: true, deliveries: plan.deliveries }
        : { mapping, ok: false, error: plan.error },
    )
  }
  return results
}
