// The configuration used when none is given: one destination, united_states, the four automatic presets.
import type { MappingConfig } from '../iterable/mappings.js'
import { AUTOMATIC_PRESETS, type Preset } from '../iterable/presets.js'

export const DEFAULT_DESTINATION_NAME = 'iterable'

export function presetMapping(preset: Preset): MappingConfig {
  return {
    name: preset.name,
    enabled: true,
    trigger: preset.type === 'specificEvent' ? '' : preset.subscribe,
    action: preset.partnerAction,
    fields: { ...preset.mapping },
  }
}

export function defaultMappings(): MappingConfig[] {
  return AUTOMATIC_PRESETS.map(presetMapping)
}
