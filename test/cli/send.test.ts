// `send` against the real ingest plugin on a real socket: summary, size splitting, bad lines,
// retries on 503, a wrong write key and an unreachable service.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { exitCodeOf, formatSummary, runSend } from '../../src/cli/send.js'
import type { SendOptions } from '../../src/cli/send.js'
import { ingestRoutes } from '../../src/server/ingest/index.js'

const WRITE_KEY = 'wk_send_test'

interface Server {
  app: FastifyInstance
  url: string
  /** Events stored, in arrival order. */
  events: Record<string, unknown>[]
  /** Raw body size of every /v1/batch request. */
  bodySizes: number[]
  /** Sink calls to fail with an error (→ 503) before succeeding. */
  failNext: number
}

async function startServer(): Promise<Server> {
  const app = Fastify({ logger: false })
  const server: Server = { app, url: '', events: [], bodySizes: [], failNext: 0 }
  app.addHook('onRequest', async (request) => {
    server.bodySizes.push(Number(request.headers['content-length']))
  })
  await app.register(ingestRoutes, {
    resolveWriteKey: (key) => (key === WRITE_KEY ? { sourceId: 'src' } : null),
    accept: async (_source, events) => {
      if (server.failNext > 0) {
        server.failNext--
        throw new Error('store unavailable')
      }
      server.events.push(...(events as Record<string, unknown>[]))
    },
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  server.url = `http://127.0.0.1:${address.port}`
  return server
}

class Capture extends Writable {
  text = ''
  isTTY = false
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

let dir: string
let server: Server

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'send-test-'))
  server = await startServer()
})
afterAll(async () => {
  await server.app.close()
  rmSync(dir, { recursive: true, force: true })
})
afterEach(() => {
  server.events.length = 0
  server.bodySizes.length = 0
  server.failNext = 0
})

function writeFile(name: string, lines: string[]): string {
  const file = path.join(dir, name)
  writeFileSync(file, lines.join('\n') + '\n')
  return file
}

const track = (i: number, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ type: 'track', event: 'Viewed', userId: `u${i}`, messageId: `m${i}`, ...extra })

function options(file: string, extra: Partial<SendOptions> = {}): SendOptions {
  return { file, url: server.url, writeKey: WRITE_KEY, backoffMs: 5, maxBackoffMs: 20, ...extra }
}

describe('send', () => {
  it('sends every valid event, reports bad lines by line number and rejected events', async () => {
    const lines: string[] = []
    for (let i = 0; i < 250; i++) lines.push(track(i))
    lines[9] = '{"type":"track", "event": '
    lines[19] = '[1,2]'
    lines[29] = JSON.stringify({ type: 'track', userId: 'x', messageId: 'no-name' })
    lines.splice(40, 0, '', '   ')
    const file = writeFile('mixed.ndjson', lines)
    const out = new Capture()
    const summary = await runSend(options(file), out)

    expect(summary.lines).toBe(250)
    expect(summary.requests).toBe(3)
    expect(summary.sent).toBe(248)
    expect(summary.accepted).toBe(247)
    expect(server.events).toHaveLength(247)
    expect(summary.skipped.map((s) => [s.line, s.reason])).toEqual([
      [10, 'invalid_json'],
      [20, 'not_an_object'],
    ])
    expect(summary.rejected).toHaveLength(1)
    expect(summary.rejected[0]).toMatchObject({ line: 30, messageId: 'no-name' })
    expect(summary.rejected[0].error).toMatch(/event/)
    expect(summary.notDelivered).toBe(0)
    expect(summary.failedRequests).toEqual([])
    expect(exitCodeOf(summary)).toBe(3)

    // Plain progress lines (not a terminal), ending at 100 %.
    expect(out.text).toMatch(/^progress: /m)
    expect(out.text.trim().split('\n').at(-1)).toMatch(/250\/250 lines \(100%\)/)
    const text = formatSummary(summary)
    expect(text).toMatch(/accepted\s+247/)
    expect(text).toMatch(/line 10: invalid JSON/)
    expect(text).toMatch(/line 30 \(no-name\)/)
  })

  it('counts every rejected event from rejectedCount, though the service lists only the first 100', async () => {
    const lines = Array.from({ length: 400 }, (_, i) =>
      i % 4 === 3 ? track(i) : JSON.stringify({ type: 'track', userId: `u${i}`, messageId: `bad-${i}` }),
    )
    const file = writeFile('mostly-rejected.ndjson', lines)
    const summary = await runSend(options(file, { batchSize: 400 }), new Capture())

    expect(summary.requests).toBe(1)
    expect(summary.rejectedCount).toBe(300)
    expect(summary.rejected).toHaveLength(100)
    expect(summary.rejected[99]).toMatchObject({ line: 133, messageId: 'bad-132' })
    expect(summary.accepted).toBe(100)
    expect(server.events).toHaveLength(100)
    expect(exitCodeOf(summary)).toBe(3)
    const text = formatSummary(summary)
    expect(text).toMatch(/accepted\s+100\n/)
    expect(text).toMatch(/rejected\s+300 \(by the service\)/)
    // 20 shown of the 100 listed; the rest counted.
    expect(text).toMatch(/… and 280 more/)
  })

  it('keeps each request under 500 KB and skips events over 32 KB', async () => {
    const filler = 'x'.repeat(20_000)
    const lines: string[] = []
    for (let i = 0; i < 60; i++) lines.push(track(i, { properties: { filler } }))
    lines.push(track(60, { properties: { filler: 'y'.repeat(40_000) } }))
    const file = writeFile('big.ndjson', lines)
    const summary = await runSend(options(file, { quiet: true }))

    expect(summary.accepted).toBe(60)
    expect(summary.skipped).toEqual([expect.objectContaining({ line: 61, reason: 'event_too_large' })])
    // 60 events of ~20 KB: about 25 per request.
    expect(summary.requests).toBe(3)
    for (const size of server.bodySizes) expect(size).toBeLessThanOrEqual(500 * 1024)
    expect(server.events.map((e) => e.messageId)).toEqual(lines.slice(0, 60).map((_, i) => `m${i}`))
  })

  it('honours --batch-size', async () => {
    const file = writeFile(
      'small.ndjson',
      Array.from({ length: 25 }, (_, i) => track(i)),
    )
    const summary = await runSend(options(file, { quiet: true, batchSize: 10, concurrency: 1 }))
    expect(summary.requests).toBe(3)
    expect(server.bodySizes).toHaveLength(3)
    expect(server.events.map((e) => e.messageId)).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`))
    expect(exitCodeOf(summary)).toBe(0)
  })

  it('retries a 503 and then delivers', async () => {
    server.failNext = 2
    const file = writeFile(
      'retry.ndjson',
      Array.from({ length: 30 }, (_, i) => track(i)),
    )
    const summary = await runSend(options(file, { quiet: true, concurrency: 1 }))
    expect(summary.retries).toBe(2)
    expect(summary.accepted).toBe(30)
    expect(server.events).toHaveLength(30)
    expect(server.bodySizes).toHaveLength(3)
    expect(exitCodeOf(summary)).toBe(0)
  })

  it('gives up after the retries and says what was not delivered', async () => {
    server.failNext = 100
    const file = writeFile(
      'down.ndjson',
      Array.from({ length: 30 }, (_, i) => track(i)),
    )
    const summary = await runSend(options(file, { quiet: true, concurrency: 1, retries: 2, batchSize: 10 }))
    expect(summary.failedRequests).toHaveLength(3)
    expect(summary.failedRequests[0]).toMatchObject({ firstLine: 1, lastLine: 10, events: 10, status: 503 })
    expect(summary.retries).toBe(6)
    expect(summary.notDelivered).toBe(30)
    expect(exitCodeOf(summary)).toBe(1)
    expect(formatSummary(summary)).toMatch(/NOT DELIVERED to the service: 30 events/)
  })

  it('stops at a wrong write key without sending the rest', async () => {
    const file = writeFile(
      'key.ndjson',
      Array.from({ length: 500 }, (_, i) => track(i)),
    )
    const summary = await runSend(options(file, { quiet: true, writeKey: 'wrong', concurrency: 2 }))
    expect(summary.stoppedBecause).toMatch(/HTTP 401: invalid write key/)
    expect(summary.retries).toBe(0)
    expect(server.bodySizes.length).toBeLessThanOrEqual(2)
    expect(summary.notDelivered).toBe(500)
    expect(exitCodeOf(summary)).toBe(1)
    expect(formatSummary(summary)).not.toMatch(/wrong/)
  })

  it('reports an unreachable service as failed requests', async () => {
    const probe = Fastify()
    await probe.listen({ host: '127.0.0.1', port: 0 })
    const address = probe.server.address()
    await probe.close()
    if (address === null || typeof address === 'string') throw new Error('no TCP address')
    const file = writeFile('refused.ndjson', [track(1), track(2)])
    const summary = await runSend(
      options(file, { quiet: true, url: `http://127.0.0.1:${address.port}`, retries: 1 }),
    )
    expect(summary.failedRequests).toHaveLength(1)
    expect(summary.failedRequests[0].message).toMatch(/network error/)
    expect(summary.failedRequests[0].status).toBeUndefined()
    expect(summary.notDelivered).toBe(2)
    expect(exitCodeOf(summary)).toBe(1)
  })
})
