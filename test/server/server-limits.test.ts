// Slow clients and many connections (issue 14, item 2), on the real service (startService) with
// small limits: requests whose headers or body trickle in end with a 408 at their timeout, a wrong
// write key is answered before the body arrives, and with more slow connections than the cap
// /healthz and ingest still answer. The connection guard's policy on a bare HTTP server: the
// longest-waiting idle connection is closed first, a request being handled never.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { guardConnections } from '../../src/server/connections.js'
import { slowClient, timedGet } from '../helpers/slow-client.js'

const WRITE_KEY = 'wk_limits_test_key'
const basic = (key: string): string => 'Basic ' + Buffer.from(key + ':').toString('base64')
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('the service with small limits', () => {
  let service: RunningService
  let dataDir: string
  let port: number
  const limits = { requestTimeoutMs: 1500, headersTimeoutMs: 1000, maxConnections: 20 }

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'ia-limits-'))
    service = await startService({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      writeKey: WRITE_KEY,
      adminToken: 'limits-admin-token',
      logger: pino({ level: 'silent' }),
      serverLimits: limits,
    })
    port = Number(new URL(service.url).port)
  })
  afterAll(async () => {
    await service?.close(2000)
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('answers 408 to a body that trickles in for longer than the request timeout', async () => {
    const client = slowClient({ port, authorization: basic(WRITE_KEY), everyMs: 100 })
    const end = await client.ended
    expect(end.status).toBe(408)
    expect(end.afterMs).toBeGreaterThanOrEqual(limits.requestTimeoutMs - 100)
  })

  it('answers 408 to headers that trickle in, and to a connection that sends nothing', async () => {
    const slowHeaders = slowClient({ port, everyMs: 100, slowHeaders: true })
    const silent = slowClient({ port, everyMs: 100, silent: true })
    for (const end of await Promise.all([slowHeaders.ended, silent.ended])) {
      expect(end.status).toBe(408)
      expect(end.afterMs).toBeGreaterThanOrEqual(limits.headersTimeoutMs - 100)
      expect(end.afterMs).toBeLessThan(limits.requestTimeoutMs + 1000)
    }
  })

  it('answers a wrong write key in the Authorization header before the body arrives', async () => {
    const client = slowClient({ port, authorization: basic('wk_wrong'), everyMs: 10_000 })
    await client.connected
    const started = Date.now()
    const answer = await new Promise<string>((resolve) =>
      client.socket.once('data', (d: Buffer) => resolve(d.toString())),
    )
    expect(answer).toMatch(/^HTTP\/1\.1 401/)
    expect(answer).toContain('invalid write key')
    // Long before the request timeout that would otherwise end it.
    expect(Date.now() - started).toBeLessThan(limits.requestTimeoutMs)
    client.socket.destroy()
  })

  it('keeps answering /healthz and ingest with twice as many slow connections as the cap', async () => {
    const clients = Array.from({ length: 2 * limits.maxConnections }, () =>
      slowClient({ port, authorization: basic(WRITE_KEY), everyMs: 200 }),
    )
    await Promise.allSettled(clients.map((c) => c.connected))
    await sleep(200)
    for (let probe = 0; probe < 3; probe++) {
      const health = await timedGet(port, '/healthz', 5000)
      expect(health.status).toBe(200)
      await sleep(100)
    }
    const ingest = await fetch(`${service.url}/v1/track`, {
      method: 'POST',
      headers: { authorization: basic(WRITE_KEY), 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'u1', event: 'Under load', messageId: 'under-load-1' }),
    })
    expect(ingest.status).toBe(200)
    const ends = await Promise.all(clients.map((c) => c.ended))
    // Closed to make room (no answer) or timed out (408); never served, never left open.
    for (const end of ends) expect([null, 408]).toContain(end.status)
    expect(ends.filter((e) => e.status === null).length).toBeGreaterThan(0)
    expect(ends.filter((e) => e.status === 408).length).toBeGreaterThan(0)
    expect(Math.max(...ends.map((e) => e.afterMs))).toBeLessThan(limits.requestTimeoutMs + 2000)
    expect((await service.store.lookupEvent('under-load-1')).events).toHaveLength(1)
  })
})

describe('guardConnections', () => {
  let server: Server
  let release: () => void = () => undefined
  let port: number

  afterEach(async () => {
    release()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  async function listen(maxConnections: number, handler: Parameters<typeof createServer>[1]): Promise<void> {
    server = createServer(handler)
    guardConnections(server, maxConnections)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    port = typeof address === 'object' && address !== null ? address.port : 0
  }

  it('closes the connection that has waited longest to make room for a new one', async () => {
    await listen(2, (_request, response) => response.end('ok'))
    const oldest = slowClient({ port, everyMs: 0, silent: true })
    await oldest.connected
    await sleep(50)
    const older = slowClient({ port, everyMs: 0, silent: true })
    await older.connected
    await sleep(50)
    const health = await timedGet(port, '/', 2000)
    expect(health.status).toBe(200)
    expect((await oldest.ended).status).toBeNull()
    expect(older.socket.destroyed).toBe(false)
    older.socket.destroy()
  })

  it('never closes a connection whose request is being handled: the newcomer is refused', async () => {
    const held = new Promise<void>((resolve) => (release = resolve))
    await listen(2, (_request, response) => {
      void held.then(() => response.end('done'))
    })
    const busy = [timedGet(port, '/', 5000), timedGet(port, '/', 5000)]
    await sleep(200)
    const newcomer = await timedGet(port, '/', 2000)
    expect(newcomer.status).toBeNull()
    release()
    for (const answer of await Promise.all(busy)) expect(answer.status).toBe(200)
  })
})
