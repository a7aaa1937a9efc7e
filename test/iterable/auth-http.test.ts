// The authentication test (reference §1.3, §5.1 D1/D2) with the real Iterable client over real HTTP:
// a node:http server on 127.0.0.1 plays Iterable, and the client's `baseUrl` points at it. The
// region's own URL is checked on the same code path before the override replaces it.
import { routingPort } from '../../src/cli/serve/routing-port.js'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeliveryService } from '../../src/delivery/service.js'
import { AuthenticationError, testAuthentication } from '../../src/iterable/auth.js'
import { IterableClient } from '../../src/iterable/client/index.js'
import { iterableDestination } from '../../src/iterable/destination.js'
import { adminClient, deliveryBaseUrl } from '../../src/server/admin/destination-access.js'
import { openStore, type Store } from '../../src/store/index.js'

interface SeenRequest {
  method: string | undefined
  url: string | undefined
  headers: IncomingHttpHeaders
  body: string
}

/** What the fake Iterable answers, by API key (D1: 200 `{}`; D2: 401 `{"msg":"Invalid API key"}`). */
const ANSWERS: Record<string, { status: number; body: string }> = {
  iterableApiKey: { status: 200, body: '{}' },
  badApiKey: { status: 401, body: '{"msg":"Invalid API key"}' },
  forbiddenKey: { status: 403, body: '{"msg":"Forbidden","code":"Forbidden"}' },
  brokenKey: { status: 500, body: 'oops' },
}

const REGIONS = [
  { region: 'united_states', url: 'https://api.iterable.com/api/webhooks' },
  { region: 'europe', url: 'https://api.eu.iterable.com/api/webhooks' },
] as const

let server: Server
let localUrl: string
let seen: SeenRequest[] = []
let dir: string
let store: Store

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      seen.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      })
      const key = request.headers['api-key']
      const answer = (typeof key === 'string' ? ANSWERS[key] : undefined) ?? ANSWERS.badApiKey
      response.writeHead(answer.status, { 'content-type': 'application/json' })
      response.end(answer.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  localUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  dir = mkdtempSync(path.join(tmpdir(), 'ia-auth-'))
  store = await openStore({ kind: 'sqlite', dir })
})

afterAll(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

/** Runs the authentication test with a client on the local server; the error, if any. */
async function authenticate(apiKey: string, region: string): Promise<AuthenticationError | undefined> {
  const client = new IterableClient({ apiKey, region, baseUrl: localUrl })
  try {
    await testAuthentication(client)
    return undefined
  } catch (error) {
    if (error instanceof AuthenticationError) return error
    throw error
  } finally {
    await client.close()
  }
}

describe.each(REGIONS)('testAuthentication over HTTP, $region', ({ region, url }) => {
  it(`targets ${url} before any override`, () => {
    const client = new IterableClient({ apiKey: 'iterableApiKey', region })
    expect(client.url(iterableDestination.authentication.testPath)).toBe(url)
    // The admin "test connection" computes the same base when the service has no override.
    const plain = new DeliveryService({ store, routing: routingPort })
    expect(deliveryBaseUrl(plain, region) + iterableDestination.authentication.testPath).toBe(url)
    void client.close()
  })

  it('D1: GET /api/webhooks with the Api-Key header, no body, no key in the URL; 200 resolves', async () => {
    seen = []
    expect(await authenticate('iterableApiKey', region)).toBeUndefined()
    expect(seen).toHaveLength(1)
    const [request] = seen
    expect(request.method).toBe('GET')
    expect(request.url).toBe('/api/webhooks')
    expect(request.headers['api-key']).toBe('iterableApiKey')
    expect(request.body).toBe('')
  })

  it('D2: 401 → Credentials are invalid: 401 Unauthorized', async () => {
    seen = []
    const error = await authenticate('badApiKey', region)
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(error?.message).toBe('Credentials are invalid: 401 Unauthorized')
    expect(error?.status).toBe(401)
    expect(error?.code).toBe('INVALID_CREDENTIALS')
    expect(seen.map((r) => [r.method, r.url, r.headers['api-key']])).toEqual([
      ['GET', '/api/webhooks', 'badApiKey'],
    ])
  })

  it('any other non-2xx status fails with that status (not "valid")', async () => {
    const forbidden = await authenticate('forbiddenKey', region)
    expect(forbidden?.message).toBe('Credentials are invalid: 403 Forbidden')
    const broken = await authenticate('brokenKey', region)
    expect(broken?.message).toBe('Credentials are invalid: 500 Internal Server Error')
    expect(broken?.status).toBe(500)
  })

  it('the admin client of a service with an override sends the same request to the local server', async () => {
    seen = []
    const overridden = new DeliveryService({ store, routing: routingPort, baseUrlOverride: localUrl })
    expect(deliveryBaseUrl(overridden, region)).toBe(localUrl)
    const client = adminClient(overridden, 'iterableApiKey', region)
    try {
      await testAuthentication(client)
    } finally {
      await client.close()
    }
    expect(seen.map((r) => [r.method, r.url, r.headers['api-key']])).toEqual([
      ['GET', '/api/webhooks', 'iterableApiKey'],
    ])
  })
})

it('no server listening: the failure is reported with status 0, not as valid credentials', async () => {
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as AddressInfo).port
  await new Promise<void>((resolve) => closed.close(() => resolve()))
  const client = new IterableClient({ apiKey: 'iterableApiKey', baseUrl: `http://127.0.0.1:${port}` })
  try {
    await expect(testAuthentication(client)).rejects.toMatchObject({ status: 0 })
  } finally {
    await client.close()
  }
})
