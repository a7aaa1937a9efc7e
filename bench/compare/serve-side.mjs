// One round of the serve side: `serve` from dist/, cold, on a fresh empty data folder (SQLite) or a
// fresh schema (PostgreSQL), delivering to the sink. The clock starts once /readyz answers 200; the
// corpus goes to /v1/batch in requests of `batch` events, `inFlight` at once; the clock stops at the
// last item the sink received, once it has as many as `preview` says the corpus sends.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { exitOf, stopChild, spawnNode } from '../lib/children.mjs'
import { buildBodies, sendAll } from '../lib/ingest-client.mjs'
import { countersOf, freePort } from '../lib/proc.mjs'
import { CLI, ROOT, getJson, serviceMetrics, waitFor } from '../lib/service.mjs'
import { measured, SETTLE_MS } from './measure.mjs'
import { backendCpuSpent, secretKey, withApplicationName } from './postgres.mjs'

const HOST = '127.0.0.1'
const WRITE_KEY = 'wk_bench_compare'
const ADMIN_TOKEN = 'bench-compare-admin-token'
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
/**
 * serve's environment variables that no flag here overrides, emptied (serve reads "" as unset) so
 * that the caller's environment cannot change what is measured.
 */
const NEUTRAL_ENV = {
  DATABASE_URL: '',
  DATABASE_SCHEMA: '',
  SECRET_KEY: '',
  RATE_LIMIT_NODES: '',
  CONFIG_FILE: '',
  ITERABLE_DATA_CENTER: '',
  SANDBOX: '',
  DELIVERY_THREAD: '',
}

/** Where the round keeps its data, and serve's flags for it. */
function storeFor(run) {
  if (run.database === null) {
    const dir = mkdtempSync(path.join(tmpdir(), 'iterable-actions-bench-compare-'))
    return {
      args: ['--data', path.join(dir, 'data')],
      env: {},
      remove: async () => rmSync(dir, { recursive: true, force: true }),
    }
  }
  const { schema, applicationName } = run.database.freshNames(run.round)
  return {
    args: ['--database-schema', schema],
    // In the environment rather than the arguments, which every user of the machine can read.
    env: { DATABASE_URL: withApplicationName(run.database.url, applicationName), SECRET_KEY: secretKey() },
    schema,
    applicationName,
    remove: () => run.database.dropSchema(schema),
  }
}

/**
 * @param {object} run  {round, sink, corpusLines, events, expectedItems, database (or null), apiKey,
 *   batch, inFlight, nodeArgs, timeoutMs, log, cleanups (a Set the round's data removal is in until done)}
 * @returns the round's measures, plus ingest failures/rejections, dead letters and (PostgreSQL) WAL
 *   bytes (the whole server's, and serve's own when pg_walinspect is there) and the server processes'
 *   CPU per event
 */
export async function serveRound(run) {
  const store = storeFor(run)
  run.cleanups.add(store.remove)
  const port = await freePort(HOST)
  const serviceUrl = `http://${HOST}:${port}`
  const { child, output } = spawnNode(
    'serve',
    CLI,
    [
      'serve',
      ...['--host', HOST, '--port', String(port), ...store.args],
      ...['--write-key', WRITE_KEY, '--api-key', run.apiKey, '--iterable-url', run.sink.url],
      ...['--admin-token', ADMIN_TOKEN, '--log-level', 'warn'],
    ],
    { cwd: ROOT, env: { ...NEUTRAL_ENV, ...store.env }, nodeArgs: run.nodeArgs, log: run.log },
  )
  // Raced with every wait below, so that a serve that dies ends the round at once.
  const exited = exitOf(child, 'serve')
  exited.catch(() => {})
  try {
    await Promise.race([
      exited,
      waitFor(
        'serve to be ready (/readyz)',
        async () => (await getJson(`${serviceUrl}/readyz`)).status === 200,
        60_000,
      ),
    ])
    const bodies = buildBodies(run.corpusLines, run.events, run.batch)
    const db = run.database
    const walBefore = db === null ? null : await db.walLsn()
    const backendsBefore = db === null ? null : await db.backendCpu(store.applicationName)
    await run.sink.reset()
    const before = countersOf(child.pid)
    const startedAt = process.hrtime.bigint()

    let ingestDone = false
    const ingest = sendAll(serviceUrl, bodies, { writeKey: WRITE_KEY, connections: run.inFlight }).finally(
      () => (ingestDone = true),
    )
    // Fewer items than expected (dead letters, items kept back): stop once the queue is empty. The
    // metrics scrape costs the service a queue scan, so it is asked only after 2 s without a delivery.
    const giveUp = async () =>
      ingestDone && ((await serviceMetrics(serviceUrl)).iterable_actions_queue_depth ?? 0) === 0
    const [sent, outcome] = await Promise.race([
      exited,
      Promise.all([
        ingest,
        run.sink.waitForItems(run.expectedItems, {
          timeoutMs: run.timeoutMs,
          giveUp,
          onProgress: (items) => run.log(`serve round ${run.round}: ${items} items at the sink so far`),
        }),
      ]),
    ])
    if (outcome === 'timed out') {
      throw new Error(
        `serve round ${run.round}: timed out after ${run.timeoutMs / 1000} s with ` +
          `${(await run.sink.stats()).items} of ${run.expectedItems} items at the sink; serve's last output:\n${output()}`,
      )
    }
    await sleep(SETTLE_MS)
    const after = countersOf(child.pid)
    const walAfter = db === null ? null : await db.walLsn()
    const backendSeconds =
      db === null ? null : backendCpuSpent(backendsBefore, await db.backendCpu(store.applicationName))
    const sink = await run.sink.stats()
    const metrics = await serviceMetrics(serviceUrl)
    const walBytes = db === null ? null : await db.walBytesBetween(walBefore, walAfter)
    const ownWalBytes = db === null ? null : await db.serveWalBytes(store.schema, walBefore, walAfter)
    const result = {
      ...measured({ events: run.events, startedAt, sink, before, after }),
      failedRequests: sent.failed,
      rejectedEvents: sent.rejected,
      deadLetters: metrics.iterable_actions_jobs_dead_lettered_total ?? 0,
      walBytesPerEvent: walBytes === null ? null : walBytes / run.events,
      ownWalBytesPerEvent: ownWalBytes === null ? null : ownWalBytes / run.events,
      databaseCpuUsPerEvent: backendSeconds === null ? null : (backendSeconds * 1e6) / run.events,
    }
    result.cpuWithDatabaseUsPerEvent =
      result.databaseCpuUsPerEvent === null ? null : result.cpuUsPerEvent + result.databaseCpuUsPerEvent
    return result
  } finally {
    await stopChild(child)
    run.cleanups.delete(store.remove)
    await store.remove()
  }
}
