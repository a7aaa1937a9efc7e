// startService: the store (SQLite or PostgreSQL), the bootstrap, the delivery service, the optional
// built-in sandbox and the HTTP server, started in that order and closed in reverse.
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import {
  DeliveryService,
  ITERABLE_RATE_LIMITS,
  ThreadedEngine,
  type Delivery,
  type DeliveryOptions,
} from '../../delivery/index.js'
import { isDataCenterLocation, type DataCenterLocation } from '../../iterable/regions.js'
import { startSandbox, type RunningSandbox } from '../../sandbox/index.js'
import { createServer, REDACT_PATHS } from '../../server/app.js'
import { createMetrics } from '../../server/metrics.js'
import { withStoreLock, type Store } from '../../store/index.js'
import { resolveAdminToken, watchAdminToken, type AdminTokenOrigin } from './admin-token.js'
import { bootstrap, type WriteKeyOrigin } from './bootstrap.js'
import { watchConfiguration } from './config-watch.js'
import { joinCluster } from './node-presence.js'
import { checkOptions, type ServeOptions } from './options.js'
import { schedulePruning } from './retention.js'
import { routingPort } from './routing-port.js'
import { openServeStore, SANDBOX_FILE } from './store.js'

export type DeliveryMode = 'iterable' | 'custom-url' | 'sandbox' | 'disabled'

export interface RunningService {
  app: FastifyInstance
  store: Store
  /** Which store, for the banner (no password). */
  storeDescription: string
  delivery: Delivery
  sandbox: RunningSandbox | null
  url: string
  writeKey: string
  /** True when the write key was generated at this start. */
  writeKeyGenerated: boolean
  /** Generated at this start, given (--write-key / WRITE_KEY), or kept from an earlier start. */
  writeKeyOrigin: WriteKeyOrigin
  /**
   * The admin token in full, only when generated at this start (the banner prints it once; the CLI
   * drops it then). Given or stored tokens are not held: only their hash, in the admin API's gate.
   */
  adminToken: string | null
  adminTokenOrigin: AdminTokenOrigin
  /** The last 4 characters of a generated or stored token (null when given). */
  adminTokenHint: string | null
  mode: DeliveryMode
  /** Where the default destination delivers (null when disabled). */
  targetUrl: string | null
  close(timeoutMs?: number): Promise<void>
}

const SANDBOX_DATA_CENTER: Record<DataCenterLocation, 'US' | 'EU'> = { united_states: 'US', europe: 'EU' }

/** `--rate-limit-nodes n`: each node starts from 1/n of Iterable's limits (at least 1 request/s). */
function rateLimitShare(nodes: number | undefined): Record<string, number> {
  if (nodes === undefined || nodes <= 1) return {}
  const share: Record<string, number> = {}
  for (const [endpoint, limit] of Object.entries(ITERABLE_RATE_LIMITS))
    share[endpoint] = Math.max(1, limit / nodes)
  return share
}

function deliveryOptions(options: ServeOptions, multiNode: boolean): Partial<DeliveryOptions> {
  const given = options.delivery ?? {}
  return {
    // SQLite: one process owns the data folder, so delivery leases found at start belong to a run
    // that died. PostgreSQL: other nodes hold live leases; a dead node's are taken once they expire.
    reclaimAllOnStart: !multiNode,
    // Wake-ups come by NOTIFY from whichever node took the events in: reading the log without one
    // is only a safety net.
    ...(multiNode ? { idleReadMs: 5000 } : {}),
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
    ...given,
    rateLimitOverrides: { ...rateLimitShare(options.rateLimitNodes), ...given.rateLimitOverrides },
  }
}

export async function startService(options: ServeOptions): Promise<RunningService> {
  checkOptions(options)
  const logger =
    options.logger ??
    pino(
      { level: options.logLevel ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
      pino.destination(2),
    )
  const opened = await openServeStore(options, logger)
  const { store } = opened
  const multiNode = opened.options.kind === 'postgres'
  logger.info({ store: opened.description }, 'store opened')
  let sandbox: RunningSandbox | null = null
  let stopWatching: (() => Promise<void>) | null = null
  let stopTokenWatch: (() => Promise<void>) | null = null
  let leaveCluster: (() => Promise<void>) | null = null
  try {
    const boot = await withStoreLock(opened.options, 'startup', () => bootstrap(store, options, logger))
    const { destination } = boot
    const region = destination.settings.dataCenterLocation
    const dataCenter: DataCenterLocation = isDataCenterLocation(region) ? region : 'united_states'

    let baseUrlOverride: string | undefined = options.iterableUrl
    if (options.sandbox) {
      sandbox = await startSandbox({
        port: 0,
        host: '127.0.0.1',
        // With PostgreSQL there is no data folder: each node's sandbox lives in memory.
        ...(opened.options.kind === 'sqlite' ? { persist: path.join(opened.options.dir, SANDBOX_FILE) } : {}),
        projects: [
          {
            name: 'default',
            type: 'hybrid',
            dataCenter: SANDBOX_DATA_CENTER[dataCenter],
            apiKeys: [boot.sandboxKey as string],
          },
        ],
      })
      baseUrlOverride = sandbox.urls[SANDBOX_DATA_CENTER[dataCenter]]
    }

    // The cluster gauges read the delivery (made below, with the metrics' observer) at scrape time.
    const node = () => ({ nodeId: delivery.nodeId, leaseMs: delivery.options.leaseMs })
    const metrics = createMetrics(store, multiNode ? { node } : {})
    const deliveryServiceOptions = {
      store,
      logger,
      observer: metrics.observer,
      ...(baseUrlOverride ? { baseUrlOverride } : {}),
      delivery: deliveryOptions(options, multiNode),
    }
    const delivery: Delivery = new DeliveryService({
      ...deliveryServiceOptions,
      routing: routingPort,
      ...(options.deliveryThread
        ? {
            engine: (context) =>
              new ThreadedEngine(context, {
                storeOptions: opened.options,
                entry: new URL('./delivery-thread.js', import.meta.url),
                ...(baseUrlOverride ? { baseUrlOverride } : {}),
              }),
          }
        : {}),
    })
    const problems = await delivery.reload()
    for (const problem of problems) logger.error(problem, 'a mapping could not be compiled')

    const adminToken = await resolveAdminToken(store, options.adminToken)
    let started = false
    const app = await createServer({
      store,
      delivery,
      adminToken: adminToken.gate,
      metrics,
      logger,
      ready: () => started,
      ...(options.forgottenUsers !== undefined ? { forgottenUsers: options.forgottenUsers } : {}),
      ...(options.serverLimits ? { limits: options.serverLimits } : {}),
    })
    await app.listen({ port: options.port, host: options.host })
    await delivery.start()
    // A given token is the operator's to change; the store's may be rotated by another process.
    if (adminToken.origin !== 'given') stopTokenWatch = watchAdminToken(store, adminToken.gate, logger)
    if (multiNode) {
      stopWatching = await watchConfiguration(store, delivery, logger, options.configWatchMs)
      leaveCluster = await joinCluster(store, delivery, logger)
    }
    const pruning = schedulePruning(store, opened.options, logger, options.pruneEveryMs)
    started = true

    const address = app.server.address()
    const port = typeof address === 'object' && address !== null ? address.port : options.port
    const host = options.host.includes(':')
      ? `[${options.host}]`
      : options.host === '0.0.0.0'
        ? '127.0.0.1'
        : options.host
    const status = delivery.destinations().find((d) => d.id === destination.id)
    const mode: DeliveryMode =
      status === undefined || status.state === 'no-api-key' || status.state === 'disabled'
        ? 'disabled'
        : options.sandbox
          ? 'sandbox'
          : options.iterableUrl
            ? 'custom-url'
            : 'iterable'

    let closed = false
    return {
      app,
      store,
      storeDescription: opened.description,
      delivery,
      sandbox,
      url: `http://${host}:${port}`,
      writeKey: boot.writeKey,
      writeKeyGenerated: boot.writeKeyGenerated,
      writeKeyOrigin: boot.writeKeyOrigin,
      adminToken: adminToken.token,
      adminTokenOrigin: adminToken.origin,
      adminTokenHint: adminToken.hint,
      mode,
      targetUrl: status?.baseUrl ?? null,
      async close(timeoutMs) {
        if (closed) return
        closed = true
        // Stop ingest first (no new events), then delivery (finish or release in-flight work).
        await app.close()
        if (stopWatching !== null) await stopWatching()
        if (stopTokenWatch !== null) await stopTokenWatch()
        await pruning.stop()
        await delivery.stop(timeoutMs)
        if (leaveCluster !== null) await leaveCluster()
        if (sandbox !== null) await sandbox.close()
        await store.close()
      },
    }
  } catch (error) {
    if (stopWatching !== null) await stopWatching()
    if (stopTokenWatch !== null) await stopTokenWatch()
    if (leaveCluster !== null) await leaveCluster()
    if (sandbox !== null) await sandbox.close()
    await store.close()
    throw error
  }
}
