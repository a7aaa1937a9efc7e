// Test helpers: the reference's createTestEvent defaults (§0.8) with fixed messageId/timestamp
// (§5 "Full body (observed)" conventions), and one-call planning of a mapping through routing's
// evaluateMapping (the path every caller uses).
import { actions } from '../../src/iterable/actions/index.js'
import type { ActionKey, PlannedDelivery } from '../../src/iterable/actions/types.js'
import { buildBulkRequests } from '../../src/iterable/bulk.js'
import { compileMappingConfig } from '../../src/iterable/mappings.js'
import { defaultMapping } from '../../src/iterable/presets.js'
import { validateSettings } from '../../src/iterable/settings.js'
import { evaluateMapping, type RoutingError } from '../../src/routing/index.js'

/** A matched mapping's deliveries, or why it has none. */
export type PlanResult = { ok: true; deliveries: PlannedDelivery[] } | { ok: false; error: RoutingError }

export const TIMESTAMP = '2024-01-02T03:04:05.678Z'
export const CREATED_AT = 1704164645

export function testEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    anonymousId: 'anonId1234',
    userId: 'user1234',
    type: 'track',
    event: 'Test Event',
    messageId: 'msg-1',
    properties: {},
    traits: {},
    timestamp: TIMESTAMP,
    receivedAt: TIMESTAMP,
    sentAt: TIMESTAMP,
    context: {
      ip: '8.8.8.8',
      library: { name: 'analytics.js', version: '2.11.1' },
      locale: 'en-US',
      location: { city: 'San Francisco', country: 'United States' },
      page: { path: '/academy/', title: 'Analytics Academy', url: 'https://segment.com/academy/' },
      timezone: 'Europe/Amsterdam',
      userAgent: 'Mozilla/5.0',
    },
    ...overrides,
  }
}

export interface RunOptions {
  /** Start from the action's default mappings (testAction's useDefaultMappings). */
  defaults?: boolean
  batching?: boolean
  settings?: Record<string, unknown>
}

export function compile(action: ActionKey, mapping: Record<string, unknown>, options: RunOptions = {}) {
  const fields = options.defaults ? { ...defaultMapping(actions[action].fields), ...mapping } : mapping
  return compileMappingConfig({
    name: 'test',
    trigger: 'type = "track" or type = "identify"',
    action,
    fields,
  })
}

export function run(
  action: ActionKey,
  mapping: Record<string, unknown>,
  event: Record<string, unknown>,
  options: RunOptions = {},
): PlanResult {
  const settings = validateSettings(options.settings ?? { apiKey: 'test-key' })
  // Forced: these tests are about the mapping and the action, whatever the trigger says.
  const evaluation = evaluateMapping(compile(action, mapping, options), event, settings, {
    batching: options.batching ?? false,
    force: true,
  })
  return evaluation.error === null
    ? { ok: true, deliveries: evaluation.deliveries }
    : { ok: false, error: { message: evaluation.error.message, code: evaluation.error.code } }
}

/** The deliveries, or a failing assertion with the error. */
export function deliveries(result: PlanResult): PlannedDelivery[] {
  if (!result.ok) throw new Error(`expected deliveries, got error: ${result.error.message}`)
  return result.deliveries
}

export function errorOf(result: PlanResult): { message: string; code: string } {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.deliveries)}`)
  return result.error
}

/** Plans events in batch mode and builds the bulk bodies (one batch key expected). */
export function runBatch(
  action: ActionKey,
  mapping: Record<string, unknown>,
  events: Record<string, unknown>[],
  options: RunOptions = {},
) {
  const results = events.map((event) => run(action, mapping, event, { ...options, batching: true }))
  const planned = results.flatMap((r) => (r.ok ? r.deliveries : []))
  const groups = new Map<string, PlannedDelivery[]>()
  for (const d of planned) {
    const key = d.batchKey ?? 'single'
    groups.set(key, [...(groups.get(key) ?? []), d])
  }
  const bulk = [...groups.values()].flatMap((group) => buildBulkRequests(group).requests)
  return { results, planned, bulk }
}
