// The Fastify app: documented Iterable routes (faults → auth → rate limit → handler), the
// `/_sandbox/*` control routes (no key, never faulted), one error handler producing Iterable's
// envelope, and stats per documented route path.

import type { IncomingMessage } from 'node:http'
import Fastify from 'fastify'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError, dailyCapError, rateLimitError, SandboxConfigError } from './api-error.js'
import { newTally } from './context.js'
import type { Tally } from './context.js'
import { Faults } from './faults.js'
import { normalizeOptions } from './options.js'
import type { DataCenter, NormalizedOptions, SandboxOptions } from './options.js'
import { RateLimiter } from './rate-limit.js'
import { SandboxState } from './sandbox-state.js'
import { SandboxStats } from './stats.js'
import { Persistence } from './persistence.js'
import { jsonTextNestsDeeperThan } from '../util/json-depth.js'
import { secretHint } from '../util/secret-hint.js'
import type { ProjectState } from './state.js'
import type { RouteDef } from './routes/route.js'
import { userWriteRoutes } from './routes/users.js'
import { eventRoutes } from './routes/events.js'
import { commerceRoutes } from './routes/commerce.js'
import { subscriptionRoutes } from './routes/subscriptions.js'
import { readRoutes } from './routes/reads.js'
import { mergeRoutes } from './routes/merge.js'
import { subscriptionGroupRoutes } from './routes/subscription-groups.js'

/** A request body nested deeper than behaviour.maxJsonDepth (answered 400 BadJsonBody). */
class TooDeepBody extends Error {
  readonly statusCode = 400
}

export const ROUTES: readonly RouteDef[] = [
  ...userWriteRoutes,
  ...eventRoutes,
  ...commerceRoutes,
  ...subscriptionRoutes,
  ...subscriptionGroupRoutes,
  ...mergeRoutes,
  ...readRoutes,
]

/** Path prefix that selects a data center on the one base URL (`/eu/api/...`). */
export const DATA_CENTER_PREFIX: Record<DataCenter, string> = { US: '', EU: '/eu' }

export interface SandboxApp {
  app: FastifyInstance
  options: NormalizedOptions
  state: SandboxState
  faults: Faults
  rateLimiter: RateLimiter
  stats: SandboxStats
  /** Empties every project and the stats (faults and rate-limit switch stay). */
  reset(): void
  close(): Promise<void>
}

interface RequestInfo {
  tally: Tally
  timedOut: boolean
}

interface RouteConfig {
  documentedPath?: string
}

/** Methods whose requests may come without a body (a subscription PATCH names its user in the path). */
const BODYLESS_METHODS = new Set(['GET', 'DELETE', 'PATCH'])

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function dataCenterFromHost(host: string | undefined): DataCenter | undefined {
  if (host === undefined) return undefined
  const name = host.toLowerCase()
  if (name.startsWith('api.eu.iterable.com') || name.startsWith('eu.')) return 'EU'
  if (name.startsWith('api.iterable.com') || name.startsWith('us.')) return 'US'
  return undefined
}

export function createSandboxApp(input: SandboxOptions = {}): SandboxApp {
  const options = normalizeOptions(input)
  const { behaviour } = options
  const state = new SandboxState(options.projects)
  const faults = new Faults(options.faults, options.seed)
  const rateLimiter = new RateLimiter(
    options.rateLimits,
    options.rateLimitOverrides,
    options.dailyCapOverrides,
  )
  const stats = new SandboxStats()
  const persistence = options.persist !== undefined ? new Persistence(options.persist, state) : undefined

  const dataCenters = new WeakMap<IncomingMessage, DataCenter>()
  const infos = new WeakMap<FastifyRequest, RequestInfo>()
  const held = new Set<{ timer: NodeJS.Timeout; request: FastifyRequest }>()

  const app = Fastify({
    logger: options.logger,
    bodyLimit: Math.max(behaviour.bodyLimitBytes, behaviour.bulkBodyLimitBytes),
    forceCloseConnections: true,
    // One base URL serves both data centers: `/eu/...` (or Host api.eu.iterable.com / eu.*) is EU.
    rewriteUrl(req) {
      const url = req.url ?? '/'
      for (const [dc, prefix] of [
        ['EU', '/eu'],
        ['US', '/us'],
      ] as const) {
        if (url.startsWith(`${prefix}/`)) {
          dataCenters.set(req, dc)
          return url.slice(prefix.length)
        }
      }
      dataCenters.set(req, dataCenterFromHost(req.headers.host) ?? behaviour.defaultDataCenter)
      return url
    },
  })

  // Any content type is read as JSON (Iterable clients always send JSON). Many clients send
  // `Content-Type: application/json` on every request: a GET, DELETE or PATCH with it and no body has no
  // body, it is not bad JSON. `constructor` and `prototype` are ordinary field names to Iterable
  // (its API applies no name rules, docs/sandbox.md): accepted as such, as own properties that
  // nothing here reads as anything else. A `__proto__` key stays refused (BadJsonBody): a copy by
  // assignment would set an object's prototype instead.
  app.removeAllContentTypeParsers()
  const parseJson = app.getDefaultJsonParser('error', 'ignore')
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' && BODYLESS_METHODS.has(request.method)) done(null, undefined)
    // Deeper JSON would overflow the stack where the value is copied, merged or written (a 500, and
    // a stored user that no read could answer any more): refused before it is parsed.
    else if (jsonTextNestsDeeperThan(body as string, behaviour.maxJsonDepth))
      done(new TooDeepBody(), undefined)
    // The default JSON parser answers through `done`, synchronously; there is no promise to wait for.
    else void parseJson(request, body as string, done)
  })

  function authenticate(request: FastifyRequest, path: string): ProjectState {
    const headers = request.headers
    let key = headers['api-key'] ?? headers['api_key']
    if (Array.isArray(key)) key = key[0]
    if (key === undefined && behaviour.allowQueryApiKey) {
      const q = (request.query as Record<string, unknown> | undefined)?.api_key
      if (typeof q === 'string') key = q
    }
    const project = typeof key === 'string' ? state.byApiKey(key) : undefined
    // A key of another data center is unknown there: same answer as a wrong key.
    if (project === undefined || project.config.dataCenter !== dataCenters.get(request.raw)) {
      throw new ApiError(401, 'BadApiKey', 'Invalid API key', { ip: request.ip, endpoint: path })
    }
    return project
  }

  function holdWithoutAnswer(request: FastifyRequest, reply: FastifyReply, info: RequestInfo): void {
    info.timedOut = true
    reply.hijack()
    const entry = {
      request,
      timer: setTimeout(() => {
        held.delete(entry)
        request.raw.socket?.destroy()
      }, faults.settings.timeoutHoldMs),
    }
    held.add(entry)
    request.raw.once('close', () => {
      clearTimeout(entry.timer)
      held.delete(entry)
    })
  }

  function register(def: RouteDef): void {
    const countItems = def.countItems ?? ((): number => (def.method === 'GET' ? 0 : 1))
    // GET and DELETE of one path are separate endpoints with separate buckets.
    const bucket = `${def.method} ${def.path}`
    app.route({
      method: def.method,
      url: def.path.replace(/\{(\w+)\}/g, ':$1'),
      bodyLimit: def.bulk === true ? behaviour.bulkBodyLimitBytes : behaviour.bodyLimitBytes,
      config: { documentedPath: def.path } satisfies RouteConfig,
      handler: async (request, reply) => {
        const info: RequestInfo = { tally: newTally(), timedOut: false }
        infos.set(request, info)
        info.tally.items = countItems(request.body)
        let now = Date.now()
        if (!faults.idle(now)) {
          const decision = faults.decide(now)
          if (decision.outcome === 'timeout') {
            holdWithoutAnswer(request, reply, info)
            return reply
          }
          if (decision.delayMs > 0) {
            await sleep(decision.delayMs)
            now = Date.now()
          }
          if (decision.outcome === 'fail') {
            throw new ApiError(
              faults.settings.failStatus,
              'GenericError',
              'Internal Server Error (injected fault)',
            )
          }
          if (decision.outcome === 'outage') {
            throw new ApiError(
              faults.settings.outageStatus,
              'GenericError',
              'Service Unavailable (injected outage)',
            )
          }
          if (decision.outcome === 'throttle') throw rateLimitError()
        }
        const project = authenticate(request, def.path)
        if (!rateLimiter.take(project.config.name, bucket, def.ratePerSecond, now)) throw rateLimitError()
        if (
          def.dailyCap !== undefined &&
          !rateLimiter.takeDaily(project.config.name, bucket, def.dailyCap, now)
        )
          throw dailyCapError(def.dailyCap)
        return def.handler({
          ctx: { project, behaviour, now, tally: info.tally },
          body: request.body,
          params: request.params as Record<string, string>,
          query: request.query as Record<string, string | undefined>,
          route: def.path,
        })
      },
    })
  }
  for (const def of ROUTES) register(def)

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
    const path = (request.routeOptions.config as RouteConfig | undefined)?.documentedPath ?? request.url
    let apiError: ApiError
    if (error instanceof ApiError) apiError = error
    else if (error instanceof SandboxConfigError) apiError = new ApiError(400, 'BadParams', error.message)
    else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
      apiError = new ApiError(
        behaviour.oversizeStatus,
        'BatchTooLarge',
        `Request body exceeds the limit of ${request.routeOptions.bodyLimit ?? behaviour.bulkBodyLimitBytes} bytes`,
      )
    } else if (error instanceof TooDeepBody) {
      apiError = new ApiError(400, 'BadJsonBody', `[${path}] Invalid JSON body`, {
        obj: `JSON nested deeper than ${behaviour.maxJsonDepth} levels`,
      })
    } else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      apiError = new ApiError(400, 'BadJsonBody', `[${path}] Invalid JSON body`, null)
    } else {
      request.log.error(error)
      apiError = new ApiError(500, 'GenericError', 'Internal Server Error')
    }
    const info = infos.get(request)
    if (info !== undefined && info.tally.items > 0) {
      info.tally.rejected[apiError.reason] = (info.tally.rejected[apiError.reason] ?? 0) + info.tally.items
    }
    void reply.code(apiError.status).send(apiError.body())
  })

  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ msg: `Not found: ${request.method} ${request.url}`, code: 'NotFound', params: null })
  })

  app.addHook('onResponse', async (request, reply) => {
    const path = (request.routeOptions.config as RouteConfig | undefined)?.documentedPath
    if (path === undefined) return
    const info = infos.get(request)
    if (info?.timedOut === true) return
    stats.record(path, reply.statusCode, info?.tally)
  })

  // Control routes: no API key, never faulted, not counted in stats.
  const reset = (): void => {
    state.clear()
    stats.reset()
    rateLimiter.reset()
    persistence?.clear()
  }
  app.post('/_sandbox/reset', async () => {
    reset()
    return { ok: true }
  })
  app.get('/_sandbox/stats', async () => stats.snapshot())
  app.get('/_sandbox/faults', async () => faults.snapshot())
  app.post('/_sandbox/faults', async (request) => {
    faults.update(request.body ?? {})
    return faults.snapshot()
  })
  app.post('/_sandbox/rate-limits', async (request) => {
    const enabled = (request.body as { enabled?: unknown } | undefined)?.enabled
    if (typeof enabled !== 'boolean') throw new SandboxConfigError('Send {"enabled": true|false}')
    rateLimiter.enabled = enabled
    if (!enabled) rateLimiter.reset()
    return { enabled }
  })
  // Any local process may ask: the keys themselves only when the sandbox was started to show them.
  app.get('/_sandbox/projects', async () => ({
    projects: options.projects.map((p) => ({
      name: p.name,
      id: p.id,
      type: p.type,
      dataCenter: p.dataCenter,
      apiKeyHints: p.apiKeys.map(secretHint),
      ...(options.showKeys ? { apiKeys: p.apiKeys } : {}),
      pathPrefix: DATA_CENTER_PREFIX[p.dataCenter],
    })),
  }))

  return {
    app,
    options,
    state,
    faults,
    rateLimiter,
    stats,
    reset,
    async close() {
      for (const entry of held) {
        clearTimeout(entry.timer)
        entry.request.raw.socket?.destroy()
      }
      held.clear()
      await app.close()
      persistence?.close()
    },
  }
}
