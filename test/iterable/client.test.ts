import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  IterableClient,
  IterableClientConfigError,
  IterableConnections,
} from '../../src/iterable/client/index.js'
import type { IterableResponse } from '../../src/iterable/client/index.js'
import { VERSION } from '../../src/version.js'

const API_KEY = 'sk-test-7f3a9c1e5b2d4f60'

interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
  socketId: number
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

const RETRY_DATE_OFFSET_MS = 90_000

const routes: Record<string, Handler> = {
  '/api/ok': (_req, res) => json(res, 200, { msg: '', code: 'Success', params: null }),
  '/api/echo': (req, res, body) =>
    json(res, 200, { method: req.method, received: body === '' ? null : JSON.parse(body) }),
  '/api/bad-email': (_req, res) =>
    json(res, 400, { msg: 'Invalid email: 000', code: 'InvalidEmailAddressError', params: null }),
  '/api/success-on-400': (_req, res) =>
    json(res, 400, {
      msg: 'error.lists.invalidListId(42)',
      code: 'Success',
      params: { projectId: 1, listId: 42 },
    }),
  '/api/bad-key': (_req, res) =>
    json(res, 401, {
      msg: 'Invalid API key',
      code: 'BadApiKey',
      params: { ip: '10.0.0.1', endpoint: '/api/bad-key' },
    }),
  '/api/not-found': (_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' })
    res.end('<html><body>Not Found</body></html>')
  },
  '/api/408': (_req, res) => json(res, 408, { msg: 'Request timeout', code: 'GenericError' }),
  '/api/409': (_req, res) => json(res, 409, { msg: 'Email/userId conflict', code: 'ForgottenUserError' }),
  '/api/423': (_req, res) => {
    res.writeHead(423)
    res.end()
  },
  '/api/429-seconds': (_req, res) =>
    json(res, 429, { msg: 'Exceeded rate limit.', code: 'RateLimitExceeded' }, { 'retry-after': '7' }),
  '/api/429-date': (_req, res) =>
    json(
      res,
      429,
      { msg: 'Exceeded rate limit.', code: 'RateLimitExceeded' },
      { 'retry-after': new Date(Date.now() + RETRY_DATE_OFFSET_MS).toUTCString() },
    ),
  '/api/429-bare': (_req, res) => json(res, 429, { msg: 'Exceeded rate limit.', code: 'RateLimitExceeded' }),
  '/api/500': (_req, res) => json(res, 500, { msg: 'Database is down', code: 'DatabaseError' }),
  '/api/501': (_req, res) => json(res, 501, { msg: 'Not implemented', code: 'GenericError' }),
  '/api/503': (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '3' })
    res.end('Service Unavailable')
  },
  '/api/text': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end('OK, not JSON')
  },
  '/api/broken-json': (_req, res) => {
    res.writeHead(502, { 'content-type': 'application/json' })
    res.end('{"msg": "truncated')
  },
  '/api/echo-key-in-msg': (req, res) =>
    json(res, 400, { msg: `Key ${String(req.headers['api-key'])} is malformed`, code: 'BadParams' }),
  '/api/chunked': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{"successCount":2,')
    setTimeout(() => res.end('"failCount":0}'), 10)
  },
  '/api/hang': () => {
    // never answers
  },
  '/api/hang-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{"partial":')
  },
}

let server: Server
let baseUrl: string
const seen: Seen[] = []
const socketIds = new WeakMap<Socket, number>()
let connectionCount = 0

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        socketId: socketIds.get(req.socket) ?? -1,
      })
      const handler = routes[path]
      if (handler === undefined) json(res, 404, { msg: 'no route', code: 'NotFound' })
      else handler(req, res, body)
    })
  })
  server.on('connection', (socket: Socket) => socketIds.set(socket, ++connectionCount))
  server.keepAliveTimeout = 10_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const clients: IterableClient[] = []
function client(options: Partial<ConstructorParameters<typeof IterableClient>[0]> = {}): IterableClient {
  const created = new IterableClient({ apiKey: API_KEY, baseUrl, ...options })
  clients.push(created)
  return created
}
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
})

const outcomesForSecrecyCheck: IterableResponse[] = []
async function call(path: string, options: Partial<ConstructorParameters<typeof IterableClient>[0]> = {}) {
  const response = await client(options).send({ method: 'POST', path, body: { email: 'a@example.com' } })
  outcomesForSecrecyCheck.push(response)
  return response
}

describe('IterableClient request', () => {
  it('sends the Api-Key, JSON and User-Agent headers and the JSON body', async () => {
    const response = await client().send({
      method: 'POST',
      path: '/api/echo',
      body: { email: 'x@example.com', n: 1 },
    })
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ method: 'POST', received: { email: 'x@example.com', n: 1 } })
    const request = seen.at(-1)!
    expect(request.headers['api-key']).toBe(API_KEY)
    expect(request.headers['content-type']).toBe('application/json')
    expect(request.headers.accept).toBe('application/json')
    expect(request.headers['user-agent']).toContain(`iterable-actions/${VERSION}`)
    expect(response.durationMs).toBeGreaterThan(0)
  })

  it('sends a pre-serialised body unchanged and GET without a body', async () => {
    const c = client()
    const text = '{"users":[{"email":"a@example.com"}]}'
    await c.send({ method: 'POST', path: '/api/echo', body: text })
    expect(seen.at(-1)!.body).toBe(text)
    const get = await c.send({ method: 'GET', path: '/api/echo?x=1' })
    expect(get.body).toEqual({ method: 'GET', received: null })
    expect(seen.at(-1)!.url).toBe('/api/echo?x=1')
  })

  it('honours a custom User-Agent and a base URL with a path prefix', async () => {
    const c = client({ baseUrl: `${baseUrl}/prefix/`, userAgent: 'custom-agent/1' })
    expect(c.url('/api/ok')).toBe(`${baseUrl}/prefix/api/ok`)
    await c.send({ method: 'GET', path: '/api/ok' })
    expect(seen.at(-1)!.url).toBe('/prefix/api/ok')
    expect(seen.at(-1)!.headers['user-agent']).toBe('custom-agent/1')
  })

  it('reuses one keep-alive socket for consecutive requests', async () => {
    const c = client()
    const before = connectionCount
    for (let i = 0; i < 5; i++) {
      const response = await c.send({ method: 'POST', path: '/api/ok', body: { i } })
      expect(response.outcome.kind).toBe('success')
    }
    const ids = seen.slice(-5).map((s) => s.socketId)
    expect(new Set(ids).size).toBe(1)
    expect(connectionCount - before).toBe(1)
  })

  it('shares pools between clients through IterableConnections', async () => {
    const connections = new IterableConnections()
    const a = new IterableClient({ apiKey: API_KEY, baseUrl, connections })
    const b = new IterableClient({ apiKey: 'another-key', baseUrl, connections })
    const before = connectionCount
    await a.send({ method: 'GET', path: '/api/ok' })
    await b.send({ method: 'GET', path: '/api/ok' })
    expect(seen.at(-2)!.headers['api-key']).toBe(API_KEY)
    expect(seen.at(-1)!.headers['api-key']).toBe('another-key')
    expect(seen.at(-1)!.socketId).toBe(seen.at(-2)!.socketId)
    expect(connectionCount - before).toBe(1)
    await a.close() // does not own the shared pools
    expect((await b.send({ method: 'GET', path: '/api/ok' })).outcome.kind).toBe('success')
    await connections.close()
    expect((await b.send({ method: 'GET', path: '/api/ok' })).outcome.code).toBe('CLIENT_CLOSED')
  })

  it('reads a body that arrives in several chunks', async () => {
    const response = await call('/api/chunked')
    expect(response.body).toEqual({ successCount: 2, failCount: 0 })
  })
})

describe('IterableClient classification against a live server', () => {
  it('200 Success → success / deliver', async () => {
    const { outcome, body } = await call('/api/ok')
    expect(body).toEqual({ msg: '', code: 'Success', params: null })
    expect(outcome).toMatchObject({ kind: 'success', policy: 'deliver', status: 200, code: 'Success' })
  })

  it('400 with an Iterable envelope → permanent with code, msg and BAD_REQUEST', async () => {
    const { outcome } = await call('/api/bad-email')
    expect(outcome).toMatchObject({
      kind: 'permanent',
      policy: 'drop',
      status: 400,
      code: 'InvalidEmailAddressError',
      errorCode: 'BAD_REQUEST',
      iterableCode: 'InvalidEmailAddressError',
      iterableMsg: 'Invalid email: 000',
    })
    expect(outcome.message).toContain('Invalid email: 000')
  })

  it('400 with code "Success" is not success', async () => {
    const { outcome } = await call('/api/success-on-400')
    expect(outcome).toMatchObject({
      kind: 'permanent',
      policy: 'drop',
      code: 'HTTP_400',
      iterableCode: 'Success',
    })
    expect(outcome.errorCode).toBe('BAD_REQUEST')
  })

  it('401 → auth / pause, not retried', async () => {
    const { outcome } = await call('/api/bad-key')
    expect(outcome).toMatchObject({
      kind: 'auth',
      policy: 'pause',
      code: 'BadApiKey',
      errorCode: 'UNAUTHORIZED',
    })
    expect(outcome.retryAfterMs).toBeUndefined()
  })

  it('404 with an HTML body → permanent, body kept as text', async () => {
    const { outcome, body } = await call('/api/not-found')
    expect(body).toBe('<html><body>Not Found</body></html>')
    expect(outcome).toMatchObject({ kind: 'permanent', code: 'HTTP_404', errorCode: 'NOT_FOUND' })
    expect(outcome.message).toContain('Not Found')
  })

  it('408 and 423 → retryable; 409 → permanent', async () => {
    expect((await call('/api/408')).outcome).toMatchObject({
      kind: 'retryable',
      policy: 'retry',
      errorCode: 'REQUEST_TIMEOUT',
    })
    expect((await call('/api/423')).outcome).toMatchObject({
      kind: 'retryable',
      code: 'HTTP_423',
      errorCode: 'LOCKED',
    })
    expect((await call('/api/409')).outcome).toMatchObject({
      kind: 'permanent',
      policy: 'drop',
      code: 'ForgottenUserError',
      errorCode: 'CONFLICT',
    })
  })

  it('429 with Retry-After in seconds', async () => {
    const { outcome } = await call('/api/429-seconds')
    expect(outcome).toMatchObject({
      kind: 'retryable',
      policy: 'retry',
      code: 'RateLimitExceeded',
      errorCode: 'TOO_MANY_REQUESTS',
      retryAfterMs: 7000,
    })
  })

  it('429 with Retry-After as an HTTP-date', async () => {
    const { outcome } = await call('/api/429-date')
    expect(outcome.kind).toBe('retryable')
    // HTTP-dates have one-second resolution.
    expect(outcome.retryAfterMs).toBeGreaterThan(RETRY_DATE_OFFSET_MS - 3000)
    expect(outcome.retryAfterMs).toBeLessThanOrEqual(RETRY_DATE_OFFSET_MS)
  })

  it('429 without Retry-After has no hint', async () => {
    const { outcome } = await call('/api/429-bare')
    expect(outcome.kind).toBe('retryable')
    expect(outcome.retryAfterMs).toBeUndefined()
  })

  it('500 and 503 → retryable; 501 → permanent', async () => {
    expect((await call('/api/500')).outcome).toMatchObject({
      kind: 'retryable',
      code: 'DatabaseError',
      errorCode: 'INTERNAL_SERVER_ERROR',
    })
    const unavailable = (await call('/api/503')).outcome
    expect(unavailable).toMatchObject({
      kind: 'retryable',
      code: 'HTTP_503',
      errorCode: 'SERVICE_UNAVAILABLE',
    })
    expect(unavailable.retryAfterMs).toBe(3000)
    expect(unavailable.message).toContain('Service Unavailable')
    expect((await call('/api/501')).outcome).toMatchObject({
      kind: 'permanent',
      policy: 'drop',
      errorCode: 'NOT_IMPLEMENTED',
    })
  })

  it('a non-JSON 200 body is returned as text and still succeeds', async () => {
    const { outcome, body } = await call('/api/text')
    expect(body).toBe('OK, not JSON')
    expect(outcome).toMatchObject({ kind: 'success', code: 'HTTP_200' })
  })

  it('a broken JSON body is kept as text and classified by status', async () => {
    const { outcome, body } = await call('/api/broken-json')
    expect(body).toBe('{"msg": "truncated')
    expect(outcome).toMatchObject({ kind: 'retryable', code: 'HTTP_502', errorCode: 'BAD_GATEWAY' })
  })
})

describe('IterableClient transport failures', () => {
  it('a server that never answers → TIMEOUT after timeoutMs', async () => {
    const started = Date.now()
    const response = await call('/api/hang', { timeoutMs: 150 })
    const elapsed = Date.now() - started
    expect(response.status).toBe(0)
    expect(response.outcome).toMatchObject({
      kind: 'retryable',
      policy: 'retry',
      code: 'TIMEOUT',
      errorCode: 'ETIMEDOUT',
    })
    expect(response.outcome.message).toContain('150ms')
    expect(elapsed).toBeGreaterThanOrEqual(140)
    expect(elapsed).toBeLessThan(5000)
  })

  it('a body that stalls after the headers → TIMEOUT', async () => {
    const response = await call('/api/hang-body', { timeoutMs: 150 })
    expect(response.outcome.code).toBe('TIMEOUT')
  })

  it('connection refused → NETWORK_ERROR', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const response = await call('/api/ok', { baseUrl: `http://127.0.0.1:${port}` })
    expect(response.status).toBe(0)
    expect(response.body).toBeUndefined()
    expect(response.outcome).toMatchObject({
      kind: 'retryable',
      policy: 'retry',
      code: 'NETWORK_ERROR',
      transportCode: 'ECONNREFUSED',
    })
  })

  it("the caller's abort signal → ABORTED", async () => {
    const controller = new AbortController()
    const pending = client({ timeoutMs: 5000 }).send({
      method: 'GET',
      path: '/api/hang',
      signal: controller.signal,
    })
    setTimeout(() => controller.abort(), 30)
    const response = await pending
    outcomesForSecrecyCheck.push(response)
    expect(response.outcome).toMatchObject({ kind: 'retryable', code: 'ABORTED' })
  })

  it('after close() → CLIENT_CLOSED; in-flight requests end too', async () => {
    const c = client({ timeoutMs: 5000 })
    const inFlight = c.send({ method: 'GET', path: '/api/hang' })
    await new Promise((resolve) => setTimeout(resolve, 30))
    await c.close()
    expect((await inFlight).outcome.kind).toBe('retryable')
    const after = await c.send({ method: 'GET', path: '/api/ok' })
    expect(after.outcome).toMatchObject({ kind: 'retryable', code: 'CLIENT_CLOSED' })
  })

  it('an unserialisable body → permanent INVALID_REQUEST_BODY, nothing sent', async () => {
    const count = seen.length
    const response = await client().send({ method: 'POST', path: '/api/echo', body: { n: 1n } })
    expect(response.outcome).toMatchObject({
      kind: 'permanent',
      policy: 'drop',
      code: 'INVALID_REQUEST_BODY',
    })
    expect(seen.length).toBe(count)
  })

  it('a response larger than maxResponseBytes → NETWORK_ERROR', async () => {
    const response = await call('/api/ok', { maxResponseBytes: 10 })
    expect(response.outcome).toMatchObject({ code: 'NETWORK_ERROR', transportCode: 'RESPONSE_TOO_LARGE' })
  })
})

describe('IterableClient configuration and secrecy', () => {
  it('maps regions to base URLs and rejects unknown ones', () => {
    expect(new IterableClient({ apiKey: API_KEY }).baseUrl).toBe('https://api.iterable.com')
    expect(new IterableClient({ apiKey: API_KEY, region: 'europe' }).baseUrl).toBe(
      'https://api.eu.iterable.com',
    )
    expect(() => new IterableClient({ apiKey: API_KEY, region: 'asia' })).toThrow(IterableClientConfigError)
    try {
      new IterableClient({ apiKey: API_KEY, region: 'asia' })
    } catch (error) {
      expect((error as IterableClientConfigError).code).toBe('UNKNOWN_REGION')
      expect(String(error)).not.toContain(API_KEY)
    }
  })

  it('rejects a missing key, a bad URL and a bad timeout with typed errors', () => {
    const codeOf = (fn: () => unknown): string | undefined => {
      try {
        fn()
      } catch (error) {
        return error instanceof IterableClientConfigError ? error.code : 'OTHER'
      }
      return undefined
    }
    expect(codeOf(() => new IterableClient({ apiKey: '' }))).toBe('MISSING_API_KEY')
    expect(codeOf(() => new IterableClient({ apiKey: API_KEY, baseUrl: 'not a url' }))).toBe(
      'INVALID_BASE_URL',
    )
    expect(codeOf(() => new IterableClient({ apiKey: API_KEY, baseUrl: 'ftp://x' }))).toBe('INVALID_BASE_URL')
    expect(codeOf(() => new IterableClient({ apiKey: API_KEY, timeoutMs: 0 }))).toBe('INVALID_OPTION')
  })

  it('redacts the key even when the server echoes it', async () => {
    const response = await call('/api/echo-key-in-msg')
    expect(response.outcome.kind).toBe('permanent')
    expect(response.outcome.message).toContain('[redacted]')
    expect(response.outcome.iterableMsg).toBe('Key [redacted] is malformed')
  })

  it('never shows the key in outcomes, JSON, toString or inspect', () => {
    const c = client()
    expect(JSON.stringify(c)).not.toContain(API_KEY)
    expect(String(c)).not.toContain(API_KEY)
    expect(inspect(c, { showHidden: true, depth: 5 })).not.toContain(API_KEY)
    expect(JSON.parse(JSON.stringify(c))).toEqual({
      baseUrl,
      timeoutMs: 30_000,
      userAgent: expect.stringContaining(VERSION),
    })
    expect(outcomesForSecrecyCheck.length).toBeGreaterThan(15)
    for (const response of outcomesForSecrecyCheck) {
      expect(JSON.stringify(response.outcome)).not.toContain(API_KEY)
      expect(inspect(response.outcome)).not.toContain(API_KEY)
    }
  })
})
