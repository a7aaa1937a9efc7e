// A preview run over NDJSON input: one output line per input line, in order (`--batch`: plus one
// line per bulk request, written when its group is full and at the end). Pure: strings in, strings out.
import type { LoadedConfig } from '../config/load.js'
import { normalizeEvent, validateEvent, type SegmentEvent } from '../engine/event/index.js'
import type { PlannedDelivery } from '../iterable/actions/types.js'
import { buildBulkRequests } from '../iterable/bulk.js'
import type { CompiledMapping } from '../iterable/mappings.js'
import type { CompiledRoutingDestination, Routing } from '../routing/index.js'
import { previewRouting } from './compiled-config.js'
import { previewResults, type BulkSink } from './preview-event.js'
import { LineWriter } from './line-writer.js'
import { renderFollowUps, renderRequest } from './render.js'
import type { PreviewBulkLine, PreviewInputError, PreviewLine, PreviewResult } from './types.js'

export interface SessionOptions {
  batch?: boolean
  /** Time of the run (ms): receivedAt of events that carry none. */
  now?: number
}

/** Placeholder for the pre-serialised bulk body inside a bulk line. */
const BODY_SLOT = '\u0000bulk-body\u0000'
const BODY_SLOT_JSON = JSON.stringify(BODY_SLOT)

interface BulkGroup {
  destination: CompiledRoutingDestination
  mapping: CompiledMapping
  deliveries: PlannedDelivery[]
  messageIds: Array<string | undefined>
}

export class PreviewSession {
  readonly #routing: Routing
  readonly #batch: boolean
  readonly #now: number
  readonly #named: boolean
  readonly #writer = new LineWriter()
  readonly #groups = new Map<string, BulkGroup>()
  #pending: string[] = []
  /** Whether the event being processed went into a bulk group. */
  #matchedBulk = false
  #currentMessageId: string | undefined
  readonly #sink: BulkSink

  constructor(config: LoadedConfig, options: SessionOptions = {}) {
    this.#routing = previewRouting(config)
    this.#batch = options.batch === true
    this.#now = options.now ?? Date.now()
    this.#named = this.#routing.destinations.length > 1
    this.#sink = (destination, mapping, delivery) => this.#addBulk(destination, mapping, delivery)
  }

  /** The output lines for input line `lineNumber` (1-based). Empty input lines give nothing. */
  push(text: string, lineNumber: number): string[] {
    if (text.trim() === '') return []
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      return [
        this.#inputError(
          lineNumber,
          undefined,
          `Line ${lineNumber} is not valid JSON: ${message}`,
          'INVALID_JSON',
        ),
      ]
    }
    const checked = validateEvent(raw)
    if (!checked.ok) {
      const messageId = (raw as { messageId?: unknown } | null)?.messageId
      const detail = checked.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')
      return [
        this.#inputError(
          lineNumber,
          typeof messageId === 'string' ? messageId : undefined,
          `Invalid event: ${detail}`,
          'INVALID_EVENT',
        ),
      ]
    }
    const event = this.#normalized(checked.event)
    this.#currentMessageId = event.messageId
    this.#matchedBulk = false
    const results = previewResults(
      this.#routing,
      event,
      { now: this.#now },
      this.#batch ? this.#sink : undefined,
    )
    const out: string[] = []
    // An event that only went into bulk requests is shown by their lines.
    if (!(this.#matchedBulk && results.length === 0)) {
      out.push(this.#writer.line(event.messageId, results))
    }
    if (this.#pending.length > 0) {
      out.push(...this.#pending)
      this.#pending = []
    }
    return out
  }

  /**
   * The ingest-time fill-ins (messageId, timestamp, receivedAt). An event that already carries all
   * three in canonical form would come out equal, so it is used as is (no copy on the hot path).
   */
  #normalized(event: SegmentEvent): SegmentEvent & { messageId: string } {
    const { messageId, timestamp, receivedAt } = event
    const receivedMs = typeof receivedAt === 'string' ? Date.parse(receivedAt) : NaN
    if (
      typeof messageId === 'string' &&
      messageId !== '' &&
      typeof timestamp === 'string' &&
      timestamp !== '' &&
      !Number.isNaN(receivedMs) &&
      new Date(receivedMs).toISOString() === receivedAt
    ) {
      return event as SegmentEvent & { messageId: string }
    }
    return normalizeEvent(event, { receivedAt: new Date(Number.isNaN(receivedMs) ? this.#now : receivedMs) })
  }

  /** The bulk requests still open (`--batch`); call once at the end of the input. */
  finish(): string[] {
    const out: string[] = []
    for (const key of [...this.#groups.keys()]) out.push(...this.#flush(key))
    return out
  }

  #inputError(line: number, messageId: string | undefined, message: string, code: string): string {
    const error: PreviewInputError = { line, error: { message, code } }
    if (messageId !== undefined) error.messageId = messageId
    return JSON.stringify(error)
  }

  #addBulk(
    destination: CompiledRoutingDestination,
    mapping: CompiledMapping,
    delivery: PlannedDelivery,
  ): void {
    this.#matchedBulk = true
    const key = `${destination.name}\u0000${mapping.name}\u0000${delivery.batchKey ?? ''}`
    let group = this.#groups.get(key)
    if (group === undefined) {
      group = { destination, mapping, deliveries: [], messageIds: [] }
      this.#groups.set(key, group)
    }
    group.deliveries.push(delivery)
    group.messageIds.push(this.#currentMessageId)
    if (group.deliveries.length >= mapping.batching.size) this.#pending.push(...this.#flush(key))
  }

  #flush(key: string): string[] {
    const group = this.#groups.get(key)
    if (group === undefined) return []
    this.#groups.delete(key)
    const { destination, mapping } = group
    const settings = destination.settings
    const head = this.#named
      ? { destination: destination.name, mapping: mapping.name, action: mapping.action.key }
      : { mapping: mapping.name, action: mapping.action.key }
    const plan = buildBulkRequests(group.deliveries, { maxItems: mapping.batching.size })
    const out: string[] = []
    for (const request of plan.requests) {
      const line: PreviewBulkLine = {
        ...head,
        messageIds: request.indexes.map((i) => group.messageIds[i]),
        request: renderRequest(settings, request.path, BODY_SLOT, request.method),
      }
      // The bulk body is already serialised (its size was measured on it): splice it in, not re-stringify.
      out.push(JSON.stringify(line).replace(BODY_SLOT_JSON, () => request.json))
      // Follow-ups (updateEmail for email-based projects, D9) go after the bulk call, per event.
      for (const i of request.indexes) {
        const followUps = group.deliveries[i].followUps
        if (followUps === undefined) continue
        const result: PreviewResult = { ...head, requests: renderFollowUps(settings, followUps) }
        out.push(JSON.stringify({ messageId: group.messageIds[i], results: [result] } satisfies PreviewLine))
      }
    }
    for (const { index, bytes } of plan.oversized) {
      const result: PreviewResult = {
        ...head,
        error: {
          message: `The event is ${bytes} bytes, more than a bulk request may hold.`,
          code: 'PAYLOAD_TOO_LARGE',
        },
      }
      out.push(
        JSON.stringify({ messageId: group.messageIds[index], results: [result] } satisfies PreviewLine),
      )
    }
    return out
  }
}
