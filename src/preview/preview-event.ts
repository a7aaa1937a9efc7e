// previewEvent: the requests the destination would send for one event, without any network.
import type { PlannedDelivery } from '../iterable/actions/types.js'
import type { CompiledMapping } from '../iterable/mappings.js'
import type { CompiledRoutingDestination, Routing } from '../routing/index.js'
import { previewConfig, previewRouting } from './compiled-config.js'
import { renderSingle } from './render.js'
import type { PreviewLine, PreviewRequest, PreviewResult } from './types.js'

export interface PreviewOptions {
  /** createdAt default (D5) when the event has no `receivedAt`: the time of the run, in ms. */
  now?: number
}

/** Receives the deliveries that go into bulk requests (batch preview); without it every delivery is single. */
export type BulkSink = (
  destination: CompiledRoutingDestination,
  mapping: CompiledMapping,
  delivery: PlannedDelivery,
) => void

/** The results of one event over every enabled destination and matching mapping, in order. */
export function previewResults(
  routing: Routing,
  event: unknown,
  options: PreviewOptions = {},
  bulk?: BulkSink,
): PreviewResult[] {
  const named = routing.destinations.length > 1
  const hasReceivedAt = (event as { receivedAt?: unknown }).receivedAt !== undefined
  const evaluated = routing.evaluate(event, {
    batching: bulk !== undefined,
    ...(hasReceivedAt ? {} : { receivedAt: options.now ?? Date.now() }),
  })
  const results: PreviewResult[] = []
  for (const { destination, runs } of evaluated) {
    for (const { mapping, evaluation } of runs) {
      const head = named
        ? { destination: destination.name, mapping: mapping.name, action: mapping.action.key }
        : { mapping: mapping.name, action: mapping.action.key }
      const error = evaluation.triggerError ?? evaluation.error
      if (error !== null) {
        results.push({ ...head, error: { message: error.message, code: error.code } })
        continue
      }
      const requests: PreviewRequest[] = []
      for (const delivery of evaluation.deliveries) {
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
  const results = previewResults(previewRouting(previewConfig(config)), event, options)
  const messageId = (event as { messageId?: unknown }).messageId
  return typeof messageId === 'string' ? { messageId, results } : { results }
}
