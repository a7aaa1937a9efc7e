// previewEvent: the requests the destination would send for one event, without any network.
import type { LoadedConfig, LoadedDestination } from '../../config/load.js'
import { planEvent } from '../plan.js'
import { previewConfig } from './compiled-config.js'
import { renderSingle } from './render.js'
import type { PreviewLine, PreviewResult } from './types.js'

export interface PreviewOptions {
  /** Show bulk deliveries as bulk items (used by the batch preview); default false: single requests. */
  batching?: boolean
  /** createdAt default (D5) when the event has no `receivedAt`: the time of the run, in ms. */
  now?: number
}

export function enabledDestinations(config: LoadedConfig): LoadedDestination[] {
  return config.destinations.filter((d) => d.enabled)
}

/**
 * For a configuration (loaded, or a plain object in the config schema; default: the four automatic
 * presets) and one Segment event: every matching mapping's requests or error, in mapping order.
 */
export function previewEvent(config: unknown, event: unknown, options: PreviewOptions = {}): PreviewLine {
  const loaded = previewConfig(config)
  const destinations = enabledDestinations(loaded)
  const named = destinations.length > 1
  const source = event as { messageId?: unknown; receivedAt?: unknown }
  const receivedAt = source.receivedAt === undefined ? (options.now ?? Date.now()) : undefined
  const planOptions = { batching: false, ...(receivedAt === undefined ? {} : { receivedAt }) }
  const results: PreviewResult[] = []
  for (const destination of destinations) {
    for (const mapping of destination.compiled) {
      if (!mapping.enabled || !mapping.trigger(event)) continue
      const plan = planEvent(mapping, event, destination.settings, planOptions)
      const head = named
        ? { destination: destination.name, mapping: mapping.name, action: mapping.action.key }
        : { mapping: mapping.name, action: mapping.action.key }
      if (!plan.ok) {
        results.push({ ...head, error: plan.error })
        continue
      }
      const requests = []
      for (const delivery of plan.deliveries) requests.push(...renderSingle(destination.settings, delivery))
      results.push({ ...head, requests })
    }
  }
  const line: PreviewLine = { results }
  if (typeof source.messageId === 'string') return { messageId: source.messageId, results }
  return line
}
