// Prometheus metrics (prom-client) on a registry of our own: counters fed by the delivery
// observer, queue depth and oldest-work age read from the store at scrape time.
import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { DeliveryObserver } from '../delivery/observer.js'
import { isStoreUnavailable } from '../store/errors.js'
import type { Store } from '../store/types.js'
import { EveryInterval } from '../util/every-interval.js'
import { readClusterView } from './cluster-view.js'
import { queueRows } from './queue-rows.js'

export interface Metrics {
  registry: Registry
  observer: DeliveryObserver
}

export interface MetricsOptions {
  defaultMetrics?: boolean
  /** This node in the cluster gauges (nodes, heartbeats, who delivers what); none without it. */
  node?: () => { nodeId: string; leaseMs: number }
}

export function createMetrics(store: Store, options: MetricsOptions = {}): Metrics {
  const registry = new Registry()
  if (options.defaultMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: 'iterable_actions_' })
  const received = new Counter({
    name: 'iterable_actions_events_received_total',
    help: 'Events accepted and stored by ingest (duplicates excluded).',
    labelNames: ['source'],
    registers: [registry],
  })
  const routed = new Counter({
    name: 'iterable_actions_jobs_routed_total',
    help: "Items (one mapping's delivery of one event) routed for delivery.",
    labelNames: ['destination'],
    registers: [registry],
  })
  const failed = new Counter({
    name: 'iterable_actions_events_failed_total',
    help: 'Events a mapping could not plan (validation failures, recorded as failed outcomes).',
    labelNames: ['destination'],
    registers: [registry],
  })
  const delivered = new Counter({
    name: 'iterable_actions_jobs_delivered_total',
    help: 'Items delivered to Iterable.',
    labelNames: ['destination', 'endpoint'],
    registers: [registry],
  })
  const retried = new Counter({
    name: 'iterable_actions_jobs_retried_total',
    help: 'Items parked for another attempt.',
    labelNames: ['destination', 'endpoint'],
    registers: [registry],
  })
  const dead = new Counter({
    name: 'iterable_actions_jobs_dead_lettered_total',
    help: 'Items moved to the dead letters.',
    labelNames: ['destination', 'endpoint'],
    registers: [registry],
  })
  const latency = new Histogram({
    name: 'iterable_actions_iterable_request_duration_seconds',
    help: 'Iterable API request latency by endpoint and status (0 = no answer).',
    labelNames: ['endpoint', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  })
  // Both queue gauges of a scrape (collected together) share one read of the store: cursors, the log
  // head and the parked items per lane (no scan of the log). The next scrape reads afresh. Only
  // destinations that deliver count: a disabled one or one without a key moves nothing (its events
  // are skipped or wait for it), and `send --wait` would never see the queues empty.
  const queues = oncePerScrape(() =>
    Promise.all([store.deliveryStats(), store.listDestinations()]).then(([stats, destinations]) => {
      const delivering = new Set(destinations.filter((d) => d.enabled && d.hasApiKey).map((d) => d.id))
      return queueRows(stats.filter((s) => delivering.has(s.destinationId)))
    }),
  )
  new Gauge({
    name: 'iterable_actions_queue_depth',
    help:
      'Accepted work not yet finished: events after a destination\'s cursor (endpoint "log"), and ' +
      'items parked per endpoint (waiting for a retry, or held behind an earlier item of their user).',
    labelNames: ['destination', 'endpoint'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const q of await queues())
        this.set({ destination: q.destinationId, endpoint: q.endpoint }, q.depth)
    },
  })
  new Gauge({
    name: 'iterable_actions_queue_oldest_age_seconds',
    help: 'Age of the oldest unfinished work per destination and endpoint (since its event was received).',
    labelNames: ['destination', 'endpoint'],
    registers: [registry],
    async collect() {
      this.reset()
      const now = Date.now()
      for (const q of await queues()) {
        const age = q.oldestAt === null ? 0 : (now - q.oldestAt) / 1000
        this.set({ destination: q.destinationId, endpoint: q.endpoint }, age)
      }
    },
  })
  if (options.node !== undefined) clusterGauges(store, registry, options.node)
  const observer: DeliveryObserver = {
    received: (source, count) => received.inc({ source }, count),
    routed: (destination, count) => routed.inc({ destination }, count),
    failed: (destination, count) => failed.inc({ destination }, count),
    delivered: (destination, endpoint, count) => delivered.inc({ destination, endpoint }, count),
    retried: (destination, endpoint, count) => retried.inc({ destination, endpoint }, count),
    deadLettered: (destination, endpoint, count) => dead.inc({ destination, endpoint }, count),
    request: (endpoint, status, ms) => latency.observe({ endpoint, status: String(status) }, ms / 1000),
  }
  return { registry, observer }
}

/** A scraper asks every few seconds: while the store is away the log says so once per interval. */
const STORE_AWAY_LOG_EVERY_MS = 60_000

export function registerMetrics(app: FastifyInstance, metrics: Metrics): void {
  const storeAway = new EveryInterval(STORE_AWAY_LOG_EVERY_MS)
  app.get('/metrics', async (request, reply) => {
    let text: string
    try {
      text = await metrics.registry.metrics()
    } catch (error) {
      if (!isStoreUnavailable(error)) throw error
      // The queue gauges read the store: without it a scrape has no true answer. A 503 (the target
      // is down for this scrape), not a 500 and not gauges that say the queues are empty.
      const held = storeAway.pass()
      if (held !== null)
        request.log.warn(
          { err: error, similarFailuresNotLogged: held },
          'metrics: the store cannot be read now',
        )
      return reply.code(503).type('text/plain').send('the store cannot be read now; try again later\n')
    }
    return reply.type(metrics.registry.contentType).send(text)
  })
}

/** `read`, shared by the gauges of one scrape (collected together); the next scrape reads afresh. */
function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let reading: Promise<T> | null = null
  return () => {
    if (reading === null) {
      const current = read()
      reading = current
      const forget = (): void => {
        if (reading === current) reading = null
      }
      current.then(forget, forget)
    }
    return reading
  }
}

/** Every node sharing the store, read once per scrape: alive or dead, heartbeat age, deliveries held. */
function clusterGauges(store: Store, registry: Registry, node: () => { nodeId: string; leaseMs: number }) {
  const view = oncePerScrape(() => readClusterView(store, node()))
  new Gauge({
    name: 'iterable_actions_cluster_nodes',
    help: 'Nodes sharing the store, by state (alive: heartbeat younger than the delivery lease).',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const nodes = (await view()).nodes
      this.set({ state: 'alive' }, nodes.filter((n) => n.alive).length)
      this.set({ state: 'dead' }, nodes.filter((n) => !n.alive).length)
    },
  })
  new Gauge({
    name: 'iterable_actions_cluster_node_heartbeat_age_seconds',
    help: "Age of each node's last heartbeat.",
    labelNames: ['node', 'host'],
    registers: [registry],
    async collect() {
      this.reset()
      const now = Date.now()
      for (const n of (await view()).nodes)
        this.set({ node: n.id, host: n.host }, Math.max(0, now - n.lastHeartbeatAt) / 1000)
    },
  })
  new Gauge({
    name: 'iterable_actions_cluster_deliveries_held',
    help: 'Destinations whose delivery lease each node holds.',
    labelNames: ['node'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const n of (await view()).nodes) this.set({ node: n.id }, n.owns.length)
    },
  })
}
