// Real components for delivery tests: a SQLite store in a temp folder, the in-process sandbox and
// the delivery service with the real Iterable client.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { defaultMappings } from '../../src/config/index.js'
import {
  DeliveryService,
  type Delivery,
  type DeliveryOptions,
  type DeliveryObserver,
} from '../../src/delivery/index.js'
import { routingPort } from '../../src/cli/serve/routing-port.js'
import { eventJson, eventUserKey, normalizeEvent, type SegmentEvent } from '../../src/engine/event/index.js'
import type { MappingConfig } from '../../src/iterable/mappings.js'
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../src/sandbox/index.js'
import { openStore, type Destination, type Store, type StoreLimits } from '../../src/store/index.js'

export interface Harness {
  dir: string
  store: Store
  sandbox: RunningSandbox
  service: DeliveryService
  destination: Destination
  sourceId: string
  send(events: Record<string, unknown>[]): Promise<void>
  waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export interface HarnessOptions {
  delivery?: Partial<DeliveryOptions>
  sandbox?: SandboxOptions
  mappings?: MappingConfig[]
  /** false: the destination gets no API key (disabled). */
  apiKey?: string | false
  settings?: Record<string, unknown>
  observer?: DeliveryObserver
  /** The Iterable client's deadline per request (default: the client's, 30 s). */
  requestTimeoutMs?: number
  start?: boolean
  dir?: string
  /** The store's limits (e.g. whole bodies in the attempts log). */
  storeLimits?: Partial<StoreLimits>
}

export const FAST: Partial<DeliveryOptions> = {
  pollMs: 50,
  flushMs: 20,
  retryBaseMs: 20,
  retryMaxDelayMs: 200,
  rateLimits: false,
  // Tests read what was sent from the attempts log.
  requestBodies: 'all',
}

export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await predicate()) return
    if (Date.now() > deadline) throw new Error('waitFor: timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'ia-delivery-'))
  const store = await openStore({
    kind: 'sqlite',
    dir,
    ...(options.storeLimits ? { limits: options.storeLimits } : {}),
  })
  const sandbox = await startSandbox({ port: 0, rateLimits: false, ...options.sandbox })
  const { destination, sourceId } = await seedStore(store, {
    apiKey: options.apiKey === false ? null : (options.apiKey ?? sandbox.apiKey),
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.mappings ? { mappings: options.mappings } : {}),
  })
  const service = new DeliveryService({
    store,
    routing: routingPort,
    baseUrlOverride: sandbox.url,
    delivery: { ...FAST, ...options.delivery },
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  })
  await service.reload()
  if (options.start !== false) await service.start()
  return {
    dir,
    store,
    sandbox,
    service,
    destination,
    sourceId,
    send: sender(service, sourceId),
    waitFor,
    async close() {
      await service.stop(2000)
      await store.close()
      await sandbox.close()
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * The destination `iterable` with its mappings (default: the four presets) and a source, unless the
 * store has them already (a restart on the same folder).
 */
export async function seedStore(
  store: Store,
  options: { apiKey: string | null; settings?: Record<string, unknown>; mappings?: MappingConfig[] },
): Promise<{ destination: Destination; sourceId: string }> {
  let destination = (await store.listDestinations())[0]
  if (destination === undefined) {
    destination = await store.createDestination({
      name: 'iterable',
      kind: 'iterable',
      settings: { dataCenterLocation: 'united_states', ...options.settings },
      apiKey: options.apiKey,
    })
    for (const mapping of options.mappings ?? defaultMappings()) {
      await store.createMapping({
        destinationId: destination.id,
        name: mapping.name,
        trigger: mapping.trigger,
        action: mapping.action,
        fields: mapping.fields,
        batching: (mapping.batching as Record<string, unknown> | undefined) ?? null,
        enabled: mapping.enabled ?? true,
      })
    }
  }
  const source =
    (await store.listSources())[0] ?? (await store.createSource({ name: 'test', writeKey: 'test-write-key' }))
  return { destination, sourceId: source.id }
}

/** Sends raw Segment events through `delivery.accept`, as the ingest route does after parsing. */
export function sender(
  delivery: Pick<Delivery, 'accept'>,
  sourceId: string,
): (events: Record<string, unknown>[]) => Promise<void> {
  return async (events) => {
    const receivedAt = new Date()
    const normalized = events.map((e) => normalizeEvent(e as unknown as SegmentEvent, { receivedAt }))
    await delivery.accept(
      sourceId,
      normalized.map((event) => {
        const body = eventJson(event)
        return { messageId: event.messageId, body, size: body.length, userKey: eventUserKey(event) }
      }),
      receivedAt,
    )
  }
}

export function identify(
  userId: string,
  email: string,
  traits: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'identify',
    userId,
    traits: { email, ...traits },
    messageId: `identify-${userId}-${Math.random()}`,
  }
}

export function track(
  userId: string,
  event: string,
  properties: Record<string, unknown> = {},
  messageId?: string,
): Record<string, unknown> {
  return {
    type: 'track',
    userId,
    event,
    properties,
    messageId: messageId ?? `track-${userId}-${event}-${Math.random().toString(36).slice(2)}`,
  }
}

/** Requests the sandbox answered for a route, by status. */
export function requestsTo(sandbox: RunningSandbox, route: string): Record<string, number> {
  return sandbox.stats.snapshot().endpoints[route]?.requests ?? {}
}

export function count(requests: Record<string, number>, status?: string): number {
  if (status !== undefined) return requests[status] ?? 0
  return Object.values(requests).reduce((a, b) => a + b, 0)
}

/** Nothing left to deliver: every cursor at the log head (written) and nothing parked. */
export async function drained(store: Store): Promise<boolean> {
  const stats = await store.deliveryStats()
  return stats.length > 0 && stats.every((s) => s.behind === 0 && s.lanes.length === 0)
}

/** The attempts log, oldest first: endpoint, status and request body (the harness keeps every body). */
export async function attemptsLog(
  h: Pick<Harness, 'store'>,
): Promise<{ endpoint: string; status: number | null; body: unknown }[]> {
  const rows = await h.store.listAttempts({ limit: 1000 })
  return rows
    .sort((a, b) => a.id - b.id)
    .map((a) => ({
      endpoint: a.endpoint,
      status: a.responseStatus,
      body: a.requestBody === null ? null : (JSON.parse(a.requestBody) as unknown),
    }))
}
