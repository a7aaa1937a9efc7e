// Fault: PostgreSQL stops answering (a hung host, a network that drops packets) while events keep
// coming. Nothing fails: connections stay open and nothing comes back, so without time bounds every
// query would wait forever (ingest never answering, /readyz hanging with it). The shared server is
// reached through a TCP proxy that forwards nothing for a while (it is never touched). The service
// (in this process, delivery on its thread and on the main thread) must answer ingest 503 and
// /readyz 503 within its timeouts, recover by itself when the proxy forwards again, and deliver
// every event it acknowledged with no work left behind.
import path from 'node:path'
import { Writable } from 'node:stream'
import { pathToFileURL } from 'node:url'
import { pino } from 'pino'
import { afterEach, expect, it } from 'vitest'
import * as serveFromSource from '../../src/cli/serve.js'
import type { RunningService } from '../../src/cli/serve.js'
import type { PgTimeouts } from '../../src/store/index.js'
import { READINESS_TIMEOUT_MS } from '../../src/server/health.js'
import type { RecordingSandbox } from '../e2e/e2e-helpers.js'
import { CLI, requireBuild, sleep, startRecordingSandbox, waitUntil } from '../e2e/e2e-helpers.js'
import { describeWithPostgres, dropSchema, findPostgres, freshSchemaName } from '../helpers/postgres.js'
import { proxyDatabase } from '../helpers/tcp-proxy.js'
import { expectAllDelivered, startLoad, waitForRecovery, watchReadiness } from './fault-helpers.js'

const found = await findPostgres()
const API_KEY = 'fault_black_hole_api_key_0123456789'
const WRITE_KEY = 'wk_fault_black_hole'
const ADMIN_TOKEN = 'fault-black-hole-admin-token'
const SECRET_KEY = '9c'.repeat(32)
/** Short bounds (the defaults are 5 s, 15 s, 20 s, 3 s): the test measures against them. */
const TIMEOUTS: Partial<PgTimeouts> = { connectMs: 1000, statementMs: 1500, queryMs: 2000, probeMs: 500 }
/** Ingest must answer 503 within a query timeout and a connect timeout (waiting for a pool client). */
const INGEST_BOUND_MS = TIMEOUTS.queryMs! + TIMEOUTS.connectMs! + 1500
const SILENT_FOR_MS = 4000

/** The delivery thread runs built JavaScript (dist/): with it, the service is the built one too. */
async function serveModule(thread: boolean): Promise<typeof serveFromSource> {
  if (!thread) return serveFromSource
  requireBuild()
  return (await import(
    pathToFileURL(path.join(path.dirname(CLI), 'serve.js')).href
  )) as typeof serveFromSource
}

interface LogLine {
  level: number
  msg: string
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

describeWithPostgres('fault: PostgreSQL stops answering under load (a black hole)', found, (url) => {
  it.each(['on', 'off'])(
    'delivery thread %s: 503 and not ready within the timeouts, recovers, delivers every acknowledged event',
    async (thread) => {
      const { startService } = await serveModule(thread === 'on')
      const { proxy, url: proxied } = await proxyDatabase(url)
      cleanups.push(() => proxy.close())
      const schema = freshSchemaName('black_hole')
      cleanups.push(() => dropSchema(url, schema))
      const sandbox: RecordingSandbox = await startRecordingSandbox(API_KEY)
      cleanups.push(() => sandbox.close())
      const lines: LogLine[] = []
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString().split('\n'))
            if (line !== '') lines.push(JSON.parse(line) as LogLine)
          done()
        },
      })
      const service: RunningService = await startService({
        port: 0,
        host: '127.0.0.1',
        databaseUrl: proxied,
        databaseSchema: schema,
        databaseTimeouts: TIMEOUTS,
        secretKey: SECRET_KEY,
        writeKey: WRITE_KEY,
        apiKey: API_KEY,
        iterableUrl: sandbox.url,
        adminToken: ADMIN_TOKEN,
        deliveryThread: thread === 'on',
        logger: pino({ level: 'info' }, sink),
      })
      cleanups.push(() => service.close())
      // Runs first: a service stops quickly only on a database that answers.
      cleanups.push(async () => proxy.restore())
      const serviceUrl = service.url.replace(/\/$/, '')
      // Slow answers: when the database falls silent, deliveries are on their way.
      sandbox.sandbox.faults.update({ latencyMs: 200 })
      const readiness = watchReadiness(serviceUrl)
      cleanups.push(() => readiness.stop())
      const load = startLoad(serviceUrl, { writeKey: WRITE_KEY, prefix: `hole-${thread}`, connections: 4 })
      cleanups.push(async () => void (await load.stop()))

      await waitUntil(
        'events acknowledged before the silence',
        () => load.state.acknowledged.size >= 500,
        30_000,
      )
      const readyBefore = readiness.statuses.length
      const refusedBefore = load.count(503)
      proxy.blackHole()
      const silentAt = performance.now()
      await waitUntil('ingest answering 503', () => load.count(503) > refusedBefore, INGEST_BOUND_MS + 5000)
      const ingestAfter = performance.now() - silentAt
      await waitUntil(
        '/readyz answering 503',
        () => readiness.statuses.slice(readyBefore).includes(503),
        READINESS_TIMEOUT_MS + 5000,
      )
      const readyAfter = performance.now() - silentAt
      await sleep(Math.max(0, SILENT_FOR_MS - (performance.now() - silentAt)))
      proxy.restore()
      const backAt = Date.now()
      await waitForRecovery(load, readiness, backAt)
      const sent = await load.stop()
      sandbox.sandbox.faults.update({ latencyMs: 0 })

      console.info(
        `black hole (delivery thread ${thread}): ingest 503 after ${ingestAfter.toFixed(0)} ms, /readyz 503 after ` +
          `${readyAfter.toFixed(0)} ms, ${proxy.swallowed} connections swallowed, ${sent.acknowledged.size} acknowledged`,
      )
      expect(ingestAfter).toBeLessThan(INGEST_BOUND_MS)
      // The readiness probe waits for its own bound at most, then 100 ms to the next probe.
      expect(readyAfter).toBeLessThan(READINESS_TIMEOUT_MS + 1500)
      // Every request was answered (200 or 503), none dropped.
      expect(sent.networkErrors).toEqual([])
      expect([...sent.statuses.keys()].sort()).toEqual([200, 503])
      await expectAllDelivered({ url: serviceUrl, adminToken: ADMIN_TOKEN }, sandbox, sent.acknowledged)
      expect(
        lines.filter((l) => l.msg === 'delivery thread stopped unexpectedly; starting it again'),
      ).toEqual([])
    },
    120_000,
  )
})
