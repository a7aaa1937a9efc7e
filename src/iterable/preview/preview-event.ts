// previewEvent: the requests the destination would send for one event, without any network.
import type { LoadedConfig, LoadedDestination } from '../../config/load.js'
import type { PlannedDelivery } from '../actions/types.js'
import type { CompiledMapping } from '../mappings.js'
import { planEvent, type PlanOptions } from '../plan.js'
import { previewConfig } from './compiled-config.js'
import { renderSingle } from './render.js'
import type { PreviewLine, PreviewRequest, PreviewResult } from './types.js'

export interface PreviewOptions {
  /** createdAt default (D5) when the event has no `receivedAt`: the time of the run, in ms. */
  now?: number
}

/** Receives the deliveries that go into bulk requests (batch preview); without it every delivery is single. */
export type BulkSink = (
  destination: LoadedDestination,
  mapping: CompiledMapping,
  delivery: PlannedDelivery,
) => void

export function enabledDestinations(config: LoadedConfig): LoadedDestination[] {
  return config.destinations.filter((d) => d.enabled)
}

/** The results of one event over every enabled destination and matching mapping, in order. */
export function previewResults(
  config: LoadedConfig,
  event: unknown,
  options: PreviewOptions = {},
  bulk?: BulkSink,
  destinations: readonly LoadedDestination[] = enabledDestinations(config),
): PreviewResult[] {
  const named = destinations.length > 1
  const receivedAt = (event as { receivedAt?: unknown }).receivedAt
  const planOptions: PlanOptions = { batching: bulk !== undefined }
  if (receivedAt === undefined) planOptions.receivedAt = options.now ?? Date.now()
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
      const requests: PreviewRequest[] = []
      for (const delivery of plan.deliveries) {
        if (bulk !== undefined && delivery.bulkEndpoint !== undefined) bulk(destination, mapping, delivery)
        else requests.push(...renderSingle(destination.settings, delivery))
      }
      if (requests.length > 0) results.push({ ...head, requests })
    }
  }
  return results
}

/**
 * For a configuration (loaded, or a plain object in the config schema; default: the four automatic
 * presets) and one Segment event: every matching mapping's requests or error, in mapping order.
 */
export function previewEvent(config: unknown, event: unknown, options: PreviewOptions = {}): PreviewLine {
  const results = previewResults(previewConfig(config), event, options)
  const messageId = (event as { messageId?: unknown }).messageId
  return typeof messageId === 'string' ? { messageId, results } : { results }
}
