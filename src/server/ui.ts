// Serves the built admin UI (web/ → dist/web) at `/`: hashed assets with long caching, index.html for
// every client route (SPA fallback, as the root 404 handler), never for the API, ingest, health or
// metrics paths.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'

/**
 * Headers of every UI answer: the built app loads its own script and stylesheet and talks to its own
 * origin only, so nothing else may run or load (an injected script or a framing page gets nowhere).
 * Preact sets style props through the CSSOM, which `style-src 'self'` allows.
 */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
})

/** Paths that belong to the service: unknown ones get a 404, never the UI's index.html. */
const SERVICE_PREFIXES = ['/v1/', '/api/', '/healthz', '/readyz', '/metrics', '/assets/'] as const

export interface UiOptions {
  /** The built UI (a folder holding index.html); default: dist/web next to this module's build; null: none. */
  root?: string | null
}

/** dist/web from dist/server/ui.js, or from src/server/ui.ts (tests run the sources). */
export function findUiRoot(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url))
  for (const candidate of [path.resolve(here, '../web'), path.resolve(here, '../../dist/web')]) {
    if (existsSync(path.join(candidate, 'index.html'))) return candidate
  }
  return null
}

function isServicePath(url: string): boolean {
  return SERVICE_PREFIXES.some((prefix) => url === prefix.replace(/\/$/, '') || url.startsWith(prefix))
}

const NOT_BUILT =
  '<!doctype html><title>iterable-actions</title><h1>iterable-actions</h1>' +
  '<p>The web UI is not built: run <code>npm run build</code>.</p>' +
  '<p>Send Segment events to <code>/v1/track</code>, <code>/v1/identify</code>, <code>/v1/batch</code>.</p>' +
  '<p><a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a> · <a href="/metrics">/metrics</a></p>'

export async function registerUi(app: FastifyInstance, options: UiOptions = {}): Promise<void> {
  const root = options.root === undefined ? findUiRoot() : options.root
  if (root === null) {
    app.get('/', async (_request, reply) =>
      reply.headers(UI_SECURITY_HEADERS).type('text/html; charset=utf-8').send(NOT_BUILT),
    )
    return
  }
  const assets = path.join(root, 'assets')
  // Hashed file names: safe to cache for a year.
  await app.register(fastifyStatic, {
    root: existsSync(assets) ? assets : root,
    prefix: '/assets/',
    maxAge: '365d',
    immutable: true,
    index: false,
    setHeaders: (reply) => {
      reply.headers(UI_SECURITY_HEADERS)
    },
  })

  const sendIndex = (reply: FastifyReply): FastifyReply =>
    reply
      .headers(UI_SECURITY_HEADERS)
      .header('cache-control', 'no-cache')
      .sendFile('index.html', root, { cacheControl: false })

  app.get('/', async (_request, reply) => sendIndex(reply))
  // The SPA fallback is the root 404 handler rather than a `/*` route, so that plugins' own 404
  // handlers (the admin API's, under /api/admin) still answer for their paths.
  app.setNotFoundHandler(async (request, reply) => {
    const url = request.url.split('?')[0]
    if (isServicePath(url) || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return reply
        .code(404)
        .send({ message: `Route ${request.method}:${url} not found`, error: 'Not Found', statusCode: 404 })
    }
    return sendIndex(reply)
  })
}
