// The service's HTTP app: Segment ingest, health, metrics and the admin API on one Fastify server.
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Delivery } from '../delivery/delivery.js'
import { eventJson, eventUserKey } from '../engine/event/index.js'
import type { Store } from '../store/types.js'
import { ADMIN_PREFIX, adminApi, type AdminTokenGate } from './admin/index.js'
import { guardConnections } from './connections.js'
import { registerHealth } from './health.js'
import { forgottenUsersScreen, type ForgottenUsersMode } from './ingest/forgotten-users.js'
import { LiveEventHub } from './live/live-hub.js'
import { ingestRoutes, type IngestLimits } from './ingest/index.js'
import { resolveServerLimits, timeoutCheckIntervalMs, type ServerLimits } from './limits.js'
import { registerMetrics, type Metrics } from './metrics.js'
import { registerUi } from './ui.js'

export interface CreateServerOptions {
  store: Store
  delivery: Delivery
  /** Protects `/api/admin/*`: the token, or a gate holding its hash (serve, which follows rotations). */
  adminToken: string | AdminTokenGate
  metrics: Metrics
  logger?: Logger
  /** Event and request sizes; the JSON depth comes from `limits`. */
  ingestLimits?: Partial<Omit<IngestLimits, 'maxJsonDepth'>>
  /** Timeouts, connections, JSON depth (default DEFAULT_SERVER_LIMITS). */
  limits?: Partial<ServerLimits>
  /** Readiness besides the store (default: always). */
  ready?: () => boolean
  /** Events of forgotten users: dropped (default) or refused. */
  forgottenUsers?: ForgottenUsersMode
}

/** Paths pino redacts in every log line: API keys, write keys, admin tokens. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["api-key"]',
  'req.headers["x-admin-token"]',
  'apiKey',
  'writeKey',
  'adminToken',
  '*.apiKey',
  '*.writeKey',
  '*.adminToken',
]

/** A warning when connections are closed to make room, at most once a minute. */
function sheddingLog(app: FastifyInstance): (open: number) => void {
  let lastLogged = -Infinity
  let since = 0
  return (open) => {
    since++
    const now = Date.now()
    if (now - lastLogged < 60_000) return
    app.log.warn(
      { open, closed: since },
      'connection limit reached: closing the longest-waiting idle or slow connections (--max-connections)',
    )
    lastLogged = now
    since = 0
  }
}

export async function createServer(options: CreateServerOptions): Promise<FastifyInstance> {
  const { store, delivery } = options
  const limits = resolveServerLimits(options.limits)
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // One log line per ingest request would drown the useful ones at thousands of events a second.
    logController: new LogController({ disableRequestLogging: true }),
    // Segment's batch limit is enforced by the ingest plugin; admin bodies (configs) may be larger.
    bodyLimit: 5 * 1024 * 1024,
    // Node answers 408 and closes the connection when headers or body arrive too slowly.
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: timeoutCheckIntervalMs(limits),
    },
  }) as unknown as FastifyInstance
  const live = new LiveEventHub(store, {
    onError: (error) => app.log.warn({ err: error }, 'live events: reading the log failed'),
  })
  // Before the server waits for its connections: an open stream would hold the shutdown up.
  app.addHook('preClose', async () => live.close())
  guardConnections(app.server, limits.maxConnections, sheddingLog(app))

  await app.register(ingestRoutes, {
    resolveWriteKey: async (key) => {
      const source = await store.findSourceByWriteKey(key)
      return source === null ? null : { sourceId: source.id }
    },
    accept: async (sourceId, events, receivedAt, info) => {
      const stored = events.map((event, i) => ({
        messageId: event.messageId,
        body: eventJson(event),
        size: info.sizes[i] ?? 0,
        userKey: eventUserKey(event),
      }))
      const result = await delivery.accept(sourceId, stored, receivedAt)
      if (result.accepted.length > 0) live.appended()
      return { duplicates: result.duplicates }
    },
    limits: { ...options.ingestLimits, maxJsonDepth: limits.maxJsonDepth },
    screen: forgottenUsersScreen(() => delivery.forgotten, options.forgottenUsers ?? 'drop'),
  })

  registerHealth(app, { store, ...(options.ready ? { ready: options.ready } : {}) })
  registerMetrics(app, options.metrics)
  await app.register(adminApi, {
    prefix: ADMIN_PREFIX,
    store,
    delivery,
    adminToken: options.adminToken,
    live,
    maxJsonDepth: limits.maxJsonDepth,
  })

  await registerUi(app)
  return app
}
