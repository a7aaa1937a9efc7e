// Fault: the disk under the SQLite data folder fills up while events keep coming (issue 14, item 6).
// The data folder is on a small tmpfs that the test fills to the last block and then frees. While it
// is full the service answers 503 on ingest and /readyz, and says so in its log a few times, not
// hundreds of times a second; once there is room it answers 200 again by itself, and every event it
// acknowledged reaches the sandbox, with no work left behind a cursor or parked, from a delivery that
// was never stopped (so nothing waited for a lease to expire). With the delivery thread (the CLI's
// default: its own SQLite connection) and without it.
import { rmSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RecordingSandbox, ServeProcess } from '../e2e/e2e-helpers.js'
import { requireBuild, sleep, startRecordingSandbox, startServe, waitUntil } from '../e2e/e2e-helpers.js'
import type { Tmpfs } from './fault-helpers.js'
import {
  describeIf,
  expectAllDelivered,
  expectDeliveryUninterrupted,
  mountTmpfs,
  startLoad,
  tmpfsMissing,
  watchLog,
  waitForRecovery,
  waitForRefusals,
  watchReadiness,
} from './fault-helpers.js'

const API_KEY = 'fault_disk_api_key_0123456789abcdef'
const WRITE_KEY = 'wk_fault_disk'
const ADMIN_TOKEN = 'fault-disk-admin-token'
/** How long the test watches the full disk before freeing it. */
const FULL_FOR_MS = 5000

describeIf('fault: the data folder’s disk fills up under load', tmpfsMissing(), () => {
  let disk: Tmpfs
  let sandbox: RecordingSandbox
  let serve: ServeProcess | undefined

  beforeAll(async () => {
    requireBuild()
    disk = mountTmpfs(96)
    sandbox = await startRecordingSandbox(API_KEY)
  })
  afterAll(async () => {
    await serve?.stop()
    await sandbox?.close()
    disk?.dispose()
  })

  it.each(['on', 'off'])(
    'delivery thread %s: answers 503 and not-ready while full, logs it a few times, recovers when freed, loses nothing',
    async (thread) => {
      await serve?.stop()
      // The previous case's data would leave less room: each case starts on an empty disk.
      rmSync(path.join(disk.dir, 'data'), { recursive: true, force: true })
      sandbox.requests.length = 0
      serve = await startServe({
        dataDir: path.join(disk.dir, 'data'),
        writeKey: WRITE_KEY,
        apiKey: API_KEY,
        iterableUrl: sandbox.url,
        adminToken: ADMIN_TOKEN,
        extraArgs: ['--delivery-thread', thread],
      })
      // Slow answers: when the disk fills, deliveries are on their way and must be settled afterwards.
      sandbox.sandbox.faults.update({ latencyMs: 200 })
      const log = watchLog([serve.child.stdout, serve.child.stderr])
      const readiness = watchReadiness(serve.url)
      const load = startLoad(serve.url, { writeKey: WRITE_KEY, prefix: `disk-${thread}` })
      try {
        await waitUntil(
          'events acknowledged before the disk fills',
          () => load.state.acknowledged.size >= 1000,
          30_000,
        )
        disk.fill()
        await waitForRefusals(load, readiness)
        // Every request fails now, and every delivery worker meets the full disk: count what is logged.
        const linesBefore = log.lines()
        const failedBefore = load.count(503)
        await sleep(FULL_FOR_MS)
        const linesWhileFull = log.lines() - linesBefore
        const failedWhileFull = load.count(503) - failedBefore
        disk.free()
        await waitForRecovery(load, readiness, Date.now())
        const sent = await load.stop()
        sandbox.sandbox.faults.update({ latencyMs: 0 })

        console.info(
          `disk full (delivery thread ${thread}): ${failedWhileFull} requests answered 503 and ${linesWhileFull} log lines in ${FULL_FOR_MS} ms; ` +
            `${sent.acknowledged.size} events acknowledged in all`,
        )
        expect(serve.child.exitCode, serve.output()).toBeNull()
        expect(sent.networkErrors).toEqual([])
        expect(failedWhileFull).toBeGreaterThan(10)
        // The job-queue worker before issue 14 logged about 230 delivery errors a second, each with a stack.
        expect(linesWhileFull, serve.output().slice(-5000)).toBeLessThanOrEqual(10)
        // Progress that could not be written while the disk was full is written once there is room.
        await expectAllDelivered({ url: serve.url, adminToken: ADMIN_TOKEN }, sandbox, sent.acknowledged)
        expectDeliveryUninterrupted(log, serve.output())
      } finally {
        disk.free()
        await load.stop()
        await readiness.stop()
        sandbox.sandbox.faults.update({ latencyMs: 0 })
      }
    },
    240_000,
  )
})
