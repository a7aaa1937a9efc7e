// Liveness and readiness: /healthz answers while the process runs; /readyz checks that the store
// answers (migrations ran when it opened) and would take a write (disk not full, database there),
// and that delivery started. A load balancer then sends no events to a node that can only refuse
// them.
import type { FastifyInstance } from 'fastify'
import type { Store } from '../store/types.js'

export interface HealthOptions {
  store: Store
  /** Extra readiness condition (e.g. delivery started). */
  ready?: () => boolean
}

/**
 * How long /readyz waits for the store. A database that stops answering fails nothing (its queries
 * wait for their own timeouts), and a probe that hangs with it tells a load balancer nothing.
 */
export const READINESS_TIMEOUT_MS = 5_000

/** Why the store is not ready, or null: it answers a read and would take a write, in time. */
async function storeProblem(store: Store): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`the store did not answer within ${READINESS_TIMEOUT_MS} ms`),
      READINESS_TIMEOUT_MS,
    )
  })
  try {
    return await Promise.race([storeAnswers(store), late])
  } finally {
    clearTimeout(timer)
  }
}

async function storeAnswers(store: Store): Promise<string | null> {
  try {
    // A small table: the answer proves the store works without scanning the queue.
    await store.listSources()
  } catch (error) {
    return `store unreachable: ${(error as Error).message}`
  }
  const check = await store.checkWritable()
  return check.ok ? null : check.reason
}

export function registerHealth(app: FastifyInstance, options: HealthOptions): void {
  // The log says when readiness changes, not at every probe of a load balancer.
  let failing = false
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    const problem = await storeProblem(options.store)
    if ((problem !== null) !== failing) {
      failing = problem !== null
      if (failing) app.log.warn({ reason: problem }, 'readiness: the store cannot take writes')
      else app.log.info('readiness: the store takes writes again')
    }
    if (problem !== null) {
      // The reason stays in the log: this route needs no credentials.
      return reply.code(503).send({ status: 'unavailable', reason: 'the store cannot take writes' })
    }
    if (options.ready !== undefined && !options.ready()) {
      return reply.code(503).send({ status: 'starting' })
    }
    return { status: 'ready', store: options.store.kind }
  })
}
