// Serving the built UI: index.html for `/` and client routes, cached hashed assets, and the service's
// own paths never answered with the UI.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerUi } from '../../src/server/ui.js'

let root: string
let app: FastifyInstance

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'ia-ui-root-'))
  mkdirSync(path.join(root, 'assets'))
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><div id="app"></div>')
  writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)')
  app = Fastify()
  app.get('/healthz', async () => ({ ok: true }))
  app.get('/api/admin/destinations', async () => ({ items: [] }))
  app.post('/v1/track', async () => ({ success: true }))
  await registerUi(app, { root })
  await app.ready()
})

afterAll(async () => {
  await app.close()
  rmSync(root, { recursive: true, force: true })
})

function expectSecurityHeaders(headers: Record<string, unknown>): void {
  const policy = String(headers['content-security-policy'])
  // Scripts, styles and requests from the service's own origin only; never framed.
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ]) {
    expect(policy).toContain(directive)
  }
  expect(policy).not.toContain('unsafe-inline')
  expect(headers['x-frame-options']).toBe('DENY')
  expect(headers['x-content-type-options']).toBe('nosniff')
}

describe('registerUi', () => {
  it('answers index.html (not cached) for / and for client routes', async () => {
    for (const url of ['/', '/mappings', '/mappings/abc-123', '/dead-letters?code=x', '/events']) {
      const response = await app.inject(url)
      expect(response.statusCode, url).toBe(200)
      expect(response.headers['content-type']).toMatch(/^text\/html/)
      expect(response.headers['cache-control']).toBe('no-cache')
      expect(response.body).toContain('<div id="app">')
    }
  })

  it('serves hashed assets with a long, immutable cache', async () => {
    const response = await app.inject('/assets/index-abc123.js')
    expect(response.statusCode).toBe(200)
    expect(response.body).toBe('console.log(1)')
    expect(response.headers['cache-control']).toMatch(/max-age=31536000.*immutable/)
    expect((await app.inject('/assets/missing.js')).statusCode).toBe(404)
  })

  it("never shadows the service's own paths", async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ ok: true })
    expect((await app.inject('/api/admin/destinations')).json()).toEqual({ items: [] })
    for (const url of ['/api/admin/unknown', '/api', '/v1/track', '/v1/unknown', '/metrics', '/readyz/x']) {
      const response = await app.inject(url)
      expect(response.statusCode, url).toBe(404)
      expect(response.body).not.toContain('<div id="app">')
    }
  })

  it('without a build, / explains how to build the UI', async () => {
    const bare = Fastify()
    await registerUi(bare, { root: null })
    const response = await bare.inject('/')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('npm run build')
    expectSecurityHeaders(response.headers)
    await bare.close()
  })

  it('sends a Content-Security-Policy, X-Frame-Options and X-Content-Type-Options with every UI answer', async () => {
    for (const url of ['/', '/mappings/abc-123', '/assets/index-abc123.js']) {
      expectSecurityHeaders((await app.inject(url)).headers)
    }
  })
})
