// Liveness and readiness: /healthz answers while the process runs; /readyz checks that the store
// answers (migrations ran when it opened) and that delivery started.
import type { FastifyInstance } from 'fastify'
import type { Store } from '../store/types.js'

export interface HealthOptions {
  store: Store
  /** Extra readiness condition (e.g. delivery started). */
  ready?: () => boolean
}

export function registerHealth(app: FastifyInstance, options: HealthOptions): void {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    try {
      // A small table: the answer proves the store works without scanning the queue.
      await options.store.listSources()
    } catch (error) {
      app.log.warn({ err: error }, 'readiness: store unreachable')
      return reply.code(503).send({ status: 'unavailable', reason: 'store unreachable' })
    }
    if (options.ready !== undefined && !options.ready()) {
      return reply.code(503).send({ status: 'starting' })
    }
    return { status: 'ready', store: options.store.kind }
  })
}
