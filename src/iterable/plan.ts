// From one event to the deliveries of one mapping: map → validate (single-event rules in both
// modes, D6) → the action's plan. Pure and synchronous; the event is never written into.
import type { JsonObject, PlannedDelivery } from './actions/types.js'
import type { CompiledMapping } from './mappings.js'
import type { IterableSettings } from './settings.js'

export interface PlanOptions {
  /** When this service received the event (D5: the createdAt default). Default: `event.receivedAt`, else now. */
  receivedAt?: number | string | Date
  /** Override the mapping's batching (preview without `--batch` plans single requests). */
  batching?: boolean
}

export interface PlanError {
  message: string
  /** `PAYLOAD_VALIDATION_FAILED` (drop: field validation, identifier checks) or `MAPPING_RUNTIME`. */
  code: string
}

export type PlanResult = { ok: true; deliveries: PlannedDelivery[] } | { ok: false; error: PlanError }

function toMillis(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime()
  if (typeof value === 'string') {
    const ms = Date.parse(value)
    return Number.isNaN(ms) ? undefined : ms
  }
  return undefined
}

function errorOf(error: unknown): PlanError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return { message: error.message, code: typeof code === 'string' ? code : 'PLAN_FAILED' }
  }
  return { message: String(error), code: 'PLAN_FAILED' }
}

/** Plans one event for one (already matched) mapping. Never throws for bad events. */
export function planEvent(
  mapping: CompiledMapping,
  event: unknown,
  settings: IterableSettings,
  options: PlanOptions = {},
): PlanResult {
  let raw: unknown
  try {
    raw = mapping.map(event)
  } catch (error) {
    return { ok: false, error: errorOf(error) }
  }
  // D6: single-event rules whatever the batching, so one invalid event fails alone, as in single mode.
  const validated = mapping.fields.validate(raw ?? {}, 'single')
  if (!validated.ok)
    return { ok: false, error: { message: validated.message, code: 'PAYLOAD_VALIDATION_FAILED' } }

  const source = event as { messageId?: unknown; receivedAt?: unknown } | null
  const receivedAtMs = toMillis(options.receivedAt) ?? toMillis(source?.receivedAt) ?? Date.now()
  const messageId = typeof source?.messageId === 'string' ? source.messageId : undefined
  try {
    const planned = mapping.action.plan(validated.payload as JsonObject, {
      settings,
      batching: (options.batching ?? true) && mapping.batching.enabled,
      messageId,
      receivedAtMs,
    })
    if (Array.isArray(planned)) return { ok: true, deliveries: planned }
    return { ok: false, error: { message: planned.rejected.message, code: planned.rejected.code } }
  } catch (error) {
    return { ok: false, error: errorOf(error) }
  }
}
