// The admin API's foundation: token check (constant time) for every `/api/admin/*` route, dead
// letters (list, replay, discard) and configuration (apply, export). The UI's admin API builds on it.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ConfigError, parseConfig } from '../config/index.js'
import { applyConfig, exportConfig } from '../delivery/config-sync.js'
import type { DeliveryService } from '../delivery/service.js'
import type { DeadLetterFilter, ReplaySelector, Store } from '../store/types.js'

export const ADMIN_PREFIX = '/api/admin'

export interface AdminOptions {
  store: Store
  delivery: DeliveryService
  adminToken: string
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/** The token of `Authorization: Bearer <token>` or `X-Admin-Token`. */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (typeof header === 'string' && header.toLowerCase().startsWith('bearer ')) return header.slice(7).trim()
  const alt = request.headers['x-admin-token']
  return typeof alt === 'string' ? alt : undefined
}

/** Constant-time comparison (of fixed-length digests, so the length leaks nothing either). */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || presented === '') return false
  return timingSafeEqual(digest(presented), digest(expected))
}

class AdminError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

function parseTime(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined
  const n =
    typeof value === 'number'
      ? value
      : /^\d+$/.test(String(value))
        ? Number(value)
        : Date.parse(String(value))
  if (!Number.isFinite(n))
    throw new AdminError(400, 'invalid_filter', `${name} must be epoch ms or an ISO date`)
  return n
}

/** Filter from query or body: destination, mapping, from, to, code, reason, includeReplayed. */
function readFilter(input: Record<string, unknown> | undefined): DeadLetterFilter {
  const q = input ?? {}
  const filter: DeadLetterFilter = {}
  if (typeof q.destination === 'string' && q.destination !== '') filter.destinationId = q.destination
  if (typeof q.mapping === 'string' && q.mapping !== '') filter.mappingId = q.mapping
  const from = parseTime(q.from, 'from')
  const to = parseTime(q.to, 'to')
  if (from !== undefined) filter.from = from
  if (to !== undefined) filter.to = to
  if (typeof q.code === 'string' && q.code !== '') filter.code = q.code
  if (typeof q.reason === 'string' && q.reason !== '') filter.reasonContains = q.reason
  if (q.includeReplayed === true || q.includeReplayed === 'true') filter.includeReplayed = true
  return filter
}

function readSelector(body: unknown): ReplaySelector {
  const b = (body ?? {}) as Record<string, unknown>
  if (Array.isArray(b.ids)) {
    if (!b.ids.every((id) => Number.isInteger(id)))
      throw new AdminError(400, 'invalid_ids', '"ids" must be integers')
    return { ids: b.ids as number[] }
  }
  const filter = readFilter((b.filter ?? b) as Record<string, unknown>)
  if (Object.keys(filter).length === 0 && b.all !== true) {
    throw new AdminError(400, 'selector_required', 'give "ids", a "filter", or "all": true')
  }
  return { filter }
}

export async function adminCore(app: FastifyInstance, options: AdminOptions): Promise<void> {
  const { store, delivery, adminToken } = options

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!tokenMatches(presentedToken(request), adminToken)) {
      reply.header('www-authenticate', 'Bearer realm="admin"')
      return reply
        .code(401)
        .send({ error: 'admin token required (Authorization: Bearer <token>)', code: 'unauthorized' })
    }
  })
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof AdminError)
      return reply.code(error.statusCode).send({ error: error.message, code: error.code })
    if (error instanceof ConfigError) return reply.code(400).send({ error: error.message, code: error.code })
    const status = (error as { statusCode?: number }).statusCode
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return reply.code(status).send({ error: (error as Error).message, code: 'bad_request' })
    }
    app.log.error({ err: error }, 'admin request failed')
    return reply.code(500).send({ error: 'internal error', code: 'internal_error' })
  })

  app.get('/dead-letters', async (request) => {
    const query = request.query as Record<string, unknown>
    const limit = query.limit === undefined ? 100 : Number(query.limit)
    const after = query.after === undefined ? undefined : Number(query.after)
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new AdminError(400, 'invalid_limit', 'limit must be 1..1000')
    return store.listDeadLetters(readFilter(query), { limit, ...(after !== undefined ? { after } : {}) })
  })

  app.post('/dead-letters/replay', async (request) => {
    const replayed = await store.replayDeadLetters(readSelector(request.body))
    if (replayed > 0) delivery.wakeAll()
    return { replayed }
  })

  app.post('/dead-letters/discard', async (request) => {
    const discarded = await store.discardDeadLetters(readSelector(request.body))
    return { discarded }
  })

  app.get('/config', async () => exportConfig(store))

  app.put('/config', async (request) => {
    const loaded = parseConfig(request.body, '<admin api>')
    const summary = await applyConfig(store, loaded)
    const problems = await delivery.reload()
    return { ...summary, warnings: loaded.warnings, problems }
  })

  // GET /destinations (with settings and delivery state) lives in ./admin/destinations.ts.

  app.post('/destinations/:id/resume', async (request) => {
    const { id } = request.params as { id: string }
    if ((await store.getDestination(id)) === null)
      throw new AdminError(404, 'not_found', `no destination ${id}`)
    await delivery.resume(id)
    return { resumed: id }
  })
}
