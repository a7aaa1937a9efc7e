// CORS for browsers (analytics.js posts cross-origin). The origin is echoed with credentials
// allowed, as Segment's API does; preflights are answered for every ingest path.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

const DEFAULT_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Content-Encoding', 'X-Retry-Count']
const ALLOWED_HEADERS_LOWER = new Set(DEFAULT_ALLOWED_HEADERS.map((name) => name.toLowerCase()))
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const PREFLIGHT_MAX_AGE_SECONDS = '86400'

/** onRequest hook: the CORS headers every ingest answer (success or error) carries. */
export function addCorsHeaders(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const origin = request.headers.origin
  if (origin !== undefined) {
    reply.header('access-control-allow-origin', origin)
    reply.header('access-control-allow-credentials', 'true')
  } else {
    reply.header('access-control-allow-origin', '*')
  }
  reply.header('vary', 'Origin')
  done()
}

/** The Access-Control-Allow-Headers value: the defaults plus any valid header name asked for. */
function allowedHeaders(requested: string | undefined): string {
  if (requested === undefined) return DEFAULT_ALLOWED_HEADERS.join(', ')
  const names = [...DEFAULT_ALLOWED_HEADERS]
  for (const raw of requested.split(',')) {
    const name = raw.trim()
    if (name !== '' && HEADER_NAME.test(name) && !ALLOWED_HEADERS_LOWER.has(name.toLowerCase()))
      names.push(name)
  }
  return names.join(', ')
}

export function registerPreflight(app: FastifyInstance, path: string): void {
  app.options(path, (request, reply) => {
    const requested = request.headers['access-control-request-headers']
    reply
      .header('access-control-allow-methods', 'POST, OPTIONS')
      .header(
        'access-control-allow-headers',
        allowedHeaders(typeof requested === 'string' ? requested : undefined),
      )
      .header('access-control-max-age', PREFLIGHT_MAX_AGE_SECONDS)
      .code(204)
      .send()
  })
}
