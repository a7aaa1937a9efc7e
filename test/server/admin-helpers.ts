// Harness for the admin API tests: a real SQLite store in a temp folder, the in-process sandbox, the
// delivery service sending to it, and the real HTTP app driven with app.inject. Every response body
// is kept so tests can prove the API key never appears in any of them.
import { routingPort } from '../../src/cli/serve/routing-port.js'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { defaultMappings } from '../../src/config/index.js'
import { DeliveryService } from '../../src/delivery/index.js'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'
import { createServer } from '../../src/server/app.js'
import { createMetrics } from '../../src/server/metrics.js'
import { openStore, type Destination, type Store } from '../../src/store/index.js'

export const TOKEN = 'admin-test-token-0123'
export const API_KEY = 'sandbox-api-key-secret-7f3a9c'
export const WRITE_KEY = 'wk_test_write_key_abcdef'

export interface ApiResponse {
  status: number
  json: Record<string, unknown> & {
    error?: { code: string; message: string; path?: string; details?: Record<string, unknown> }
  }
  body: string
}

export interface AdminHarness {
  dir: string
  store: Store
  sandbox: RunningSandbox
  delivery: DeliveryService
  app: FastifyInstance
  destination: Destination
  /** Every response body seen, for secret scans. */
  bodies: string[]
  api(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>
  track(event: Record<string, unknown>): Promise<number>
  close(): Promise<void>
}

export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await predicate()) return
    if (Date.now() > deadline) throw new Error('waitFor: timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** The admin routes on the app's router (`GET /api/admin/sources/{id}`), HEAD left out. */
export function registeredAdminRoutes(app: FastifyInstance): string[] {
  // printRoutes draws a radix tree: a line's depth is where its "── " starts; paths are prefix + segment.
  const routes: string[] = []
  const stack: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const marker = line.indexOf('── ')
    const match = /── (\S+) \(([^)]+)\)/.exec(line)
    if (marker < 0 || match === null) continue
    const depth = Math.round(marker / 4)
    const path = (depth === 0 ? '' : stack[depth - 1]) + match[1]
    stack[depth] = path
    if (!path.startsWith('/api/admin')) continue
    for (const method of match[2].split(', ')) {
      if (method !== 'HEAD') routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`)
    }
  }
  return routes
}

export async function createAdminHarness(): Promise<AdminHarness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ia-admin-'))
  const store = await openStore({ kind: 'sqlite', dir })
  const sandbox = await startSandbox({
    port: 0,
    rateLimits: false,
    projects: [{ name: 'p', type: 'hybrid', dataCenter: 'US', apiKeys: [API_KEY] }],
  })
  await store.createSource({ name: 'web', writeKey: WRITE_KEY })
  const destination = await store.createDestination({
    name: 'iterable',
    kind: 'iterable',
    settings: { dataCenterLocation: 'united_states' },
    apiKey: API_KEY,
  })
  for (const mapping of defaultMappings()) {
    await store.createMapping({
      destinationId: destination.id,
      name: mapping.name,
      trigger: mapping.trigger,
      action: mapping.action,
      fields: mapping.fields,
    })
  }
  const delivery = new DeliveryService({
    store,
    routing: routingPort,
    baseUrlOverride: sandbox.url,
    // Every request body kept in the attempts log: the tests read what was sent there.
    delivery: {
      pollMs: 50,
      lingerMs: 30,
      flushMs: 20,
      retryBaseMs: 20,
      retryMaxDelayMs: 200,
      rateLimits: false,
      requestBodies: 'all',
    },
  })
  await delivery.reload()
  await delivery.start()
  const app = await createServer({
    store,
    delivery,
    adminToken: TOKEN,
    metrics: createMetrics(store, { defaultMetrics: false }),
  })
  const bodies: string[] = []
  return {
    dir,
    store,
    sandbox,
    delivery,
    app,
    destination,
    bodies,
    async api(method, url, body, headers = { authorization: `Bearer ${TOKEN}` }) {
      const response = await app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(body !== undefined ? { payload: body as object } : {}),
      })
      bodies.push(response.body)
      let json: ApiResponse['json'] = {}
      try {
        json = response.json()
      } catch {
        // Not JSON (e.g. 204).
      }
      return { status: response.statusCode, json, body: response.body }
    },
    async track(event) {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: { authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}` },
        payload: event,
      })
      return response.statusCode
    },
    async close() {
      await app.close()
      await delivery.stop(1000)
      await sandbox.close()
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
