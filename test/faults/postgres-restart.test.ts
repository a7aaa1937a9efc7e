// Fault: the PostgreSQL server restarts while events keep coming (issue 14, item 1). The service
// (the built CLI, delivering to a recording sandbox) runs on a PRIVATE server that this test stops
// and starts: it must stay up, answer 503 on ingest and /readyz while the database is away (not drop
// connections), recover by itself, deliver every event it acknowledged with no work left behind a
// cursor or parked, and keep delivering under its lease (no restart of the delivery, so nothing
// waits for a 30-second lease to expire).
import { request } from 'undici'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RecordingSandbox, ServeProcess } from '../e2e/e2e-helpers.js'
import { requireBuild, sleep, startRecordingSandbox, startServe, waitUntil } from '../e2e/e2e-helpers.js'
import type { PrivatePostgres } from './fault-helpers.js'
import {
  describeIf,
  expectAllDelivered,
  expectDeliveryUninterrupted,
  privatePostgresMissing,
  startLoad,
  startPrivatePostgres,
  waitForRecovery,
  waitForRefusals,
  watchLog,
  watchReadiness,
} from './fault-helpers.js'

const API_KEY = 'fault_pg_api_key_0123456789abcdef'
const WRITE_KEY = 'wk_fault_pg'
const ADMIN_TOKEN = 'fault-pg-admin-token'
const SECRET_KEY = 'ab'.repeat(32)

describeIf('fault: PostgreSQL restarted under load', privatePostgresMissing(), () => {
  let database: PrivatePostgres
  let sandbox: RecordingSandbox
  let serve: ServeProcess | undefined

  beforeAll(async () => {
    requireBuild()
    database = await startPrivatePostgres()
    sandbox = await startRecordingSandbox(API_KEY)
  })
  afterAll(async () => {
    await serve?.stop()
    await sandbox?.close()
    await database?.dispose()
  })

  // Delivery on its own thread (the default: its own pool) and on the main thread (one pool for all).
  it.each(['on', 'off'])(
    'delivery thread %s: stays up, answers 503 while the database is away, recovers, delivers every acknowledged event',
    async (thread) => {
      await serve?.stop()
      serve = await startServe({
        writeKey: WRITE_KEY,
        apiKey: API_KEY,
        iterableUrl: sandbox.url,
        adminToken: ADMIN_TOKEN,
        extraArgs: [
          ...['--database-url', database.url, '--secret-key', SECRET_KEY],
          ...['--database-schema', `thread_${thread}`, '--delivery-thread', thread],
        ],
      })
      // Slow answers: when the database goes away, requests are on their way and their progress unwritten.
      sandbox.sandbox.faults.update({ latencyMs: 300 })
      const log = watchLog([serve.child.stdout, serve.child.stderr])
      const readiness = watchReadiness(serve.url)
      // Requests back to back: when the server goes, ingest transactions are open on checked-out
      // clients (whose unhandled 'error' used to end the process).
      const load = startLoad(serve.url, {
        writeKey: WRITE_KEY,
        prefix: `pg-${thread}`,
        connections: 4,
        pauseMs: 0,
      })
      try {
        await waitUntil(
          'events acknowledged before the restart',
          () => load.state.acknowledged.size >= 1000,
          30_000,
        )
        await database.stop()
        const downAt = Date.now()
        await waitForRefusals(load, readiness)
        // The admin API says the store is away (503), not an internal error.
        const admin = await request(`${serve.url}/api/admin/destinations`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
        const adminBody = (await admin.body.json()) as { error: { code: string } }
        expect([admin.statusCode, adminBody.error.code]).toEqual([503, 'store_unavailable'])
        // Down for a while under load: ingest, readiness, the configuration watch, every part of
        // delivery (reads, flushes, renewals) and every pool client meet the missing server.
        await sleep(Math.max(0, downAt + 3000 - Date.now()))
        const logLinesWhileDown = log.lines()
        await database.start()
        const upAt = Date.now()
        await waitForRecovery(load, readiness, upAt)
        const sent = await load.stop()
        sandbox.sandbox.faults.update({ latencyMs: 0 })

        expect(serve.child.exitCode, serve.output()).toBeNull()
        expect(serve.child.signalCode).toBeNull()
        // The service answered every request: 503 while the database was away, never a dropped connection.
        expect(sent.networkErrors).toEqual([])
        expect([...sent.statuses.keys()].sort()).toEqual([200, 503])
        // Said a few times (each condition once per interval), not at every failure.
        expect(logLinesWhileDown, serve.output().slice(-5000)).toBeLessThanOrEqual(10)
        await expectAllDelivered({ url: serve.url, adminToken: ADMIN_TOKEN }, sandbox, sent.acknowledged)
        expectDeliveryUninterrupted(log, serve.output())
        console.info(
          `postgres restart (delivery thread ${thread}): ${sent.acknowledged.size} acknowledged, ${load.count(503)} requests answered 503, ` +
            `no unfinished work ${((Date.now() - upAt) / 1000).toFixed(1)} s after the restart, ` +
            `${logLinesWhileDown} log lines until then`,
        )
      } finally {
        await load.stop()
        await readiness.stop()
      }
    },
    240_000,
  )
})
