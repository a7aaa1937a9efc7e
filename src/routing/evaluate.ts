// One mapping against one event: trigger → field mapping → field validation (single-event rules in
// both modes, D6) → the action's plan. Every caller goes through here: delivery (through route),
// preview, test mapping and event lookup. Pure and synchronous; the event is never written into,
// and nothing an event contains makes it throw.
import type { ValidationResult } from '../engine/fields/index.js'
import type { PlannedDelivery } from '../iterable/actions/types.js'
import type { CompiledMapping } from '../iterable/mappings.js'
import type { IterableSettings } from '../iterable/settings.js'

/** Why a mapping produced no delivery for an event. */
export interface RoutingError {
  /**
   * `TRIGGER_ERROR` (the trigger threw), `MAPPING_RUNTIME` (the field mapping failed),
   * `PAYLOAD_VALIDATION_FAILED` (field validation or the action's identifier checks) or the code of
   * another refusal or error of the action.
   */
  code: string
  message: string
}

export interface EvaluateOptions {
  /** When this service received the event, in ms (D5: createdAt default). Default: `event.receivedAt`, else now. */
  receivedAt?: number
  /** False: single requests even when the mapping batches (preview without `--batch`, test mapping). Default true. */
  batching?: boolean
  /** Run the mapping even when its trigger does not match (test mapping of a chosen mapping). */
  force?: boolean
}

export interface MappingEvaluation {
  /** The trigger matched the event (false when it threw: see `triggerError`). */
  matched: boolean
  /** The trigger threw on this event: reported, never taken as a silent "no". */
  triggerError: RoutingError | null
  /** The mapping ran: it matched, or `force` was given. When false, nothing below is set. */
  ran: boolean
  /** The payload as the field mapping made it, before validation; undefined when the mapping threw. */
  payload: unknown
  /** The payload's field validation; null when the mapping threw or did not run. */
  validation: ValidationResult<Record<string, unknown>> | null
  /** What the action plans for the valid payload: one delivery per request (with follow-ups); [] on error. */
  deliveries: PlannedDelivery[]
  /** Why the mapping (when it ran) produced nothing; null when it produced deliveries. */
  error: RoutingError | null
}

/** The evaluation of a mapping whose trigger does not match: shared, nothing allocated per event. */
const NOT_MATCHED: MappingEvaluation = Object.freeze({
  matched: false,
  triggerError: null,
  ran: false,
  payload: undefined,
  validation: null,
  deliveries: Object.freeze([]) as unknown as PlannedDelivery[],
  error: null,
})

/** `context.personas.audience_settings` of an Engage event, when it is an object. */
function audienceSettingsOf(event: unknown): { audienceSettings?: Record<string, unknown> } {
  const personas = (event as { context?: { personas?: { audience_settings?: unknown } } } | null)?.context
    ?.personas
  const settings = personas?.audience_settings
  return settings !== null && typeof settings === 'object' && !Array.isArray(settings)
    ? { audienceSettings: settings as Record<string, unknown> }
    : {}
}

function toMillis(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string') {
    const ms = Date.parse(value)
    return Number.isNaN(ms) ? undefined : ms
  }
  return undefined
}

/** An error's code (typed errors carry one) and message; `fallback` when it has no code. */
function routingErrorOf(error: unknown, fallback: string): RoutingError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return { code: typeof code === 'string' ? code : fallback, message: error.message }
  }
  return { code: fallback, message: String(error) }
}

/** Evaluates one compiled mapping for one event. Never throws for anything in the event. */
export function evaluateMapping(
  mapping: CompiledMapping,
  event: unknown,
  settings: IterableSettings,
  options: EvaluateOptions = {},
): MappingEvaluation {
  let matched = false
  let triggerError: RoutingError | null = null
  try {
    matched = mapping.trigger(event)
  } catch (error) {
    // The code says what failed (a thrown error's own code would hide that it was the trigger).
    const message = error instanceof Error ? error.message : String(error)
    triggerError = { code: 'TRIGGER_ERROR', message: `The trigger failed on this event: ${message}` }
  }
  if (!matched && options.force !== true) {
    return triggerError === null ? NOT_MATCHED : { ...NOT_MATCHED, triggerError }
  }

  const evaluation: MappingEvaluation = {
    matched,
    triggerError,
    ran: true,
    payload: undefined,
    validation: null,
    deliveries: [],
    error: null,
  }
  try {
    evaluation.payload = mapping.map(event)
  } catch (error) {
    evaluation.error = routingErrorOf(error, 'MAPPING_RUNTIME')
    return evaluation
  }
  // D6: single-event rules whatever the batching, so one invalid event fails alone, as in single mode.
  const validation = mapping.fields.validate(evaluation.payload ?? {}, 'single')
  evaluation.validation = validation
  if (!validation.ok) {
    evaluation.error = { code: 'PAYLOAD_VALIDATION_FAILED', message: validation.message }
    return evaluation
  }

  const source = event as { messageId?: unknown; receivedAt?: unknown } | null
  const receivedAtMs = toMillis(options.receivedAt) ?? toMillis(source?.receivedAt) ?? Date.now()
  try {
    const planned = mapping.action.plan(validation.payload, {
      settings,
      batching: (options.batching ?? true) && mapping.batching.enabled,
      messageId: typeof source?.messageId === 'string' ? source.messageId : undefined,
      receivedAtMs,
      ...audienceSettingsOf(event),
    })
    if (Array.isArray(planned)) evaluation.deliveries = planned
    else evaluation.error = { code: planned.rejected.code, message: planned.rejected.message }
  } catch (error) {
    evaluation.error = routingErrorOf(error, 'PLAN_FAILED')
  }
  return evaluation
}
