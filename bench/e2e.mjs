// End-to-end benchmark (`npm run bench:e2e`): the sandbox (rate limits off) and `serve` as separate
// processes from dist/, on free 127.0.0.1 ports with a temporary data folder. The 10,000-event corpus
// goes to /v1/batch in requests of 100 events over a few connections; measured: events/s from the
// first request to the last delivery (the sandbox's stats account for every routable event), ingest
// p50/p99 latency, the service's peak RSS.
//
//   node bench/e2e.mjs [--n 10000] [--connections 4] [--batch 100] [--timeout 120] [--latency-ms 0]
//   node bench/e2e.mjs --backlog 200000 [--drain-timeout 600]
//
// Backlog mode: the sandbox is put in an outage (503) while the events are queued; the service's
// RSS is sampled as the backlog grows, then the outage ends and the drain rate is reported.
// Every loop is bounded; the processes are stopped on exit (SIGTERM, then SIGKILL).
import { spawn, spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { request } from 'undici'
import { buildBodies, sendAll } from './lib/ingest-client.mjs'
import { cpuSecondsOf, freePort, memoryOf } from './lib/proc.mjs'
import { CLI, ROOT, getJson, routableItems, serviceMetrics, waitFor } from './lib/service.mjs'

const GEN = path.resolve(ROOT, '../shared/corpus/gen-corpus.mjs')
const HOST = '127.0.0.1'
const WRITE_KEY = 'wk_bench_e2e'
const API_KEY = 'bench0000000000000000000000000000'
const ADMIN_TOKEN = 'bench-admin-token'

const args = process.argv.slice(2)
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback
}
const BACKLOG = arg('backlog', 0)
const N = BACKLOG > 0 ? BACKLOG : arg('n', 10_000)
const CONNECTIONS = arg('connections', 4)
const BATCH = arg('batch', 100)
const TIMEOUT_S = arg('timeout', 120)
/** Added to every sandbox answer: Iterable's own latency is tens of milliseconds, not microseconds. */
const LATENCY_MS = arg('latency-ms', 0)
const DRAIN_TIMEOUT_S = arg('drain-timeout', 600)
const SEED = 20251115
/** Extra node flags for both child processes, e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)
/** A folder that receives each child's whole output (<name>.log), e.g. with BENCH_NODE_ARGS=--trace-gc. */
const LOG_DIR = process.env.BENCH_LOG_DIR

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const log = (line) => process.stderr.write(`[bench:e2e] ${line}\n`)

const children = []
function start(name, argv, env = {}) {
  const child = spawn(process.execPath, [...NODE_ARGS, CLI, ...argv], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const logFile = LOG_DIR ? path.join(LOG_DIR, `${name}.log`) : null
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-20_000)
    if (logFile) appendFileSync(logFile, chunk)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  children.push(child)
  child.on('exit', (code, signal) => {
    if (!stopping) log(`${name} exited early (code ${code}, signal ${signal}); last output:\n${output}`)
  })
  return { child, output: () => output }
}

let stopping = false
/** The temporary folder (corpus, data), removed on every way out. */
let tempDir
const removeTemp = () => {
  if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true })
}
async function stopAll() {
  stopping = true
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue
    child.kill('SIGTERM')
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }
}

/** Items the sandbox has answered for (accepted or rejected), over every endpoint. */
async function sandboxItems(sandboxUrl) {
  const { json } = await getJson(`${sandboxUrl}/_sandbox/stats`)
  let total = 0
  for (const entry of Object.values(json.endpoints)) {
    total += entry.accepted
    for (const count of Object.values(entry.rejected)) total += count
  }
  return total
}

/** Requests the sandbox answered, per endpoint and HTTP status (e.g. `trackBulk 200×9 400×3`). */
async function sandboxRequests(sandboxUrl) {
  const { json } = await getJson(`${sandboxUrl}/_sandbox/stats`)
  return Object.entries(json.endpoints)
    .map(([endpoint, entry]) => {
      const statuses = Object.entries(entry.requests).map(([status, n]) => `${status}×${n}`)
      return `${endpoint.replace(/^\/api\//, '')} ${statuses.join(' ')}`
    })
    .join(', ')
}

/** Dead letters by code (first 1000), through the admin API. */
async function deadLetterCodes(serviceUrl) {
  const response = await request(`${serviceUrl}/api/admin/dead-letters?limit=1000`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  })
  const text = await response.body.text()
  if (response.statusCode !== 200) return `? (HTTP ${response.statusCode})`
  const counts = {}
  for (const item of JSON.parse(text).items) counts[item.code] = (counts[item.code] ?? 0) + 1
  const entries = Object.entries(counts)
  return entries.length === 0 ? 'none' : entries.map(([code, n]) => `${code} ${n}`).join(', ')
}

const mb = (bytes) => (bytes === undefined ? '?' : (bytes / 1024 / 1024).toFixed(0))

function percentile(sorted, p) {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

function table(rows) {
  const width = Math.max(...rows.map(([k]) => k.length))
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')
}

async function main() {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first')
  const dir = mkdtempSync(path.join(tmpdir(), 'iterable-actions-bench-'))
  tempDir = dir
  try {
    const corpusFile = path.join(dir, 'corpus.ndjson')
    const corpusN = Math.min(N, 10_000)
    const gen = spawnSync(process.execPath, [
      GEN,
      '--n',
      String(corpusN),
      '--seed',
      String(SEED),
      '--out',
      corpusFile,
    ])
    if (gen.status !== 0) throw new Error(`corpus generation failed: ${gen.stderr}`)
    const corpusLines = readFileSync(corpusFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
    const perCopy = routableItems(corpusFile)
    const copies = N / corpusLines.length
    const expected = Math.round(perCopy * copies)
    log(`corpus: ${N} events, ${expected} routable items (preview)`)

    const sandboxPort = await freePort()
    const servicePort = await freePort()
    const sandboxUrl = `http://${HOST}:${sandboxPort}`
    const serviceUrl = `http://${HOST}:${servicePort}`
    const sandbox = start('sandbox', [
      'sandbox',
      '--host',
      HOST,
      '--port',
      String(sandboxPort),
      '--rate-limits',
      'off',
      '--api-key',
      API_KEY,
      ...(LATENCY_MS > 0 ? ['--latency-ms', String(LATENCY_MS)] : []),
    ])
    await waitFor(
      'the sandbox',
      async () => (await getJson(`${sandboxUrl}/_sandbox/stats`)).status === 200,
      30_000,
    )
    if (BACKLOG > 0) {
      await request(`${sandboxUrl}/_sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outageSeconds: 3600 }),
      }).then((r) => r.body.text())
    }
    const service = start('serve', [
      'serve',
      '--host',
      HOST,
      '--port',
      String(servicePort),
      '--data',
      path.join(dir, 'data'),
      '--write-key',
      WRITE_KEY,
      '--api-key',
      API_KEY,
      '--iterable-url',
      sandboxUrl,
      '--admin-token',
      ADMIN_TOKEN,
    ])
    await waitFor('the service', async () => (await getJson(`${serviceUrl}/readyz`)).status === 200, 30_000)
    const pid = service.child.pid
    log(`sandbox ${sandboxUrl}, service ${serviceUrl} (pid ${pid}), data ${dir}`)

    const bodies = buildBodies(corpusLines, N, BATCH)
    let peakRss = 0
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, memoryOf(pid).rss)
    }, 50)
    const rssAtQuarter = []
    const rssBefore = memoryOf(pid).rss
    const cpuBefore = { service: cpuSecondsOf(pid), sandbox: cpuSecondsOf(sandbox.child.pid) }

    const firstRequestAt = performance.now()
    const onProgress = (index) => {
      if (BACKLOG === 0) return
      if ((index + 1) % Math.ceil(bodies.length / 4) === 0) rssAtQuarter.push(memoryOf(pid).rss)
      if ((index + 1) % Math.ceil(bodies.length / 10) === 0) {
        const seconds = (performance.now() - firstRequestAt) / 1000
        log(
          `queued ${(index + 1) * BATCH} events in ${seconds.toFixed(0)} s, RSS ${memoryOf(pid).rss.toFixed(0)} MB`,
        )
      }
    }
    const sent = await sendAll(serviceUrl, bodies, {
      writeKey: WRITE_KEY,
      connections: CONNECTIONS,
      onProgress,
    })
    const ingestDoneAt = performance.now()
    const ingestSeconds = (ingestDoneAt - firstRequestAt) / 1000
    log(`ingest done: ${N} events in ${ingestSeconds.toFixed(2)} s, ${sent.failed} failed requests`)

    let releasedAt = firstRequestAt
    if (BACKLOG > 0) {
      // Release the outage; count only what is answered from now on.
      await request(`${sandboxUrl}/_sandbox/reset`, { method: 'POST' }).then((r) => r.body.text())
      await request(`${sandboxUrl}/_sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outageSeconds: 0 }),
      }).then((r) => r.body.text())
      releasedAt = performance.now()
      log('outage released; draining')
    }

    const deadline = Date.now() + (BACKLOG > 0 ? DRAIN_TIMEOUT_S : TIMEOUT_S) * 1000
    let delivered = 0
    let firstDeliveryAt
    let lastDeliveryAt = performance.now()
    let lastReport = Date.now()
    let lastDepthCheck = 0
    // Done when the service's queues are empty: every job delivered or dead-lettered (routing
    // happens at ingest, so no job appears later). Items refused for good are dead letters, items
    // kept back as known field-type mismatches never reach the sandbox, re-sent items count again.
    let depth = Infinity
    while (Date.now() < deadline) {
      const now = performance.now()
      const count = await sandboxItems(sandboxUrl)
      if (count > 0 && firstDeliveryAt === undefined) firstDeliveryAt = now
      if (count > delivered) lastDeliveryAt = now
      delivered = count
      // The queue-depth check costs the service a scan of its queue (20 ms with 40,000 jobs), which
      // would be the benchmark's work, not the service's: only once deliveries have been quiet for
      // 100 ms, at most every 250 ms (1 s with a backlog). The last delivery is timed from the
      // sandbox, polled every 20 ms.
      const quiet = now - lastDeliveryAt >= 100
      if (quiet && now - lastDepthCheck >= (BACKLOG > 0 ? 1000 : 250)) {
        lastDepthCheck = now
        depth = (await serviceMetrics(serviceUrl)).iterable_actions_queue_depth ?? 0
        if (depth === 0) break
      }
      if (Date.now() - lastReport > 5000) {
        log(`delivered ${delivered} items, ${depth} jobs queued`)
        lastReport = Date.now()
      }
      await sleep(BACKLOG > 0 ? 200 : 20)
    }
    const metrics = await serviceMetrics(serviceUrl)
    clearInterval(sampler)
    const memory = memoryOf(pid)
    peakRss = Math.max(peakRss, memory.rss)
    const cpu = {
      service: cpuSecondsOf(pid) - cpuBefore.service,
      sandbox: cpuSecondsOf(sandbox.child.pid) - cpuBefore.sandbox,
    }
    const complete = (metrics.iterable_actions_queue_depth ?? 0) === 0

    const rows = [
      ['events sent', String(N)],
      ['routable items (preview)', String(expected)],
      ['delivered items (sandbox)', `${delivered}${complete ? '' : '  (INCOMPLETE: timed out)'}`],
      [
        'service: delivered / dead-lettered / retried',
        `${metrics.iterable_actions_jobs_delivered_total ?? '?'} / ${metrics.iterable_actions_jobs_dead_lettered_total ?? '?'} / ${metrics.iterable_actions_jobs_retried_total ?? '?'} jobs`,
      ],
      ['dead letters by code (first 1000)', await deadLetterCodes(serviceUrl)],
      [
        'service heap used / external (end)',
        `${mb(metrics.iterable_actions_nodejs_heap_size_used_bytes)} / ${mb(metrics.iterable_actions_nodejs_external_memory_bytes)} MB`,
      ],
      ['sandbox requests by endpoint', await sandboxRequests(sandboxUrl)],
      ['failed ingest requests', String(sent.failed)],
      ['events rejected at ingest', String(sent.rejected)],
      ['ingest time', `${ingestSeconds.toFixed(2)} s (${Math.round(N / ingestSeconds)} events/s)`],
      [
        'ingest latency p50 / p99',
        `${percentile(sent.latencies, 50).toFixed(1)} ms / ${percentile(sent.latencies, 99).toFixed(1)} ms`,
      ],
    ]
    if (BACKLOG === 0) {
      const seconds = (lastDeliveryAt - firstRequestAt) / 1000
      rows.push(['end to end (first request → last delivery)', `${seconds.toFixed(2)} s`])
      rows.push(['end-to-end throughput', `${Math.round(N / seconds)} events/s (target ≥ 20000)`])
    } else {
      const drainSeconds = (lastDeliveryAt - releasedAt) / 1000
      const activeSeconds = (lastDeliveryAt - (firstDeliveryAt ?? releasedAt)) / 1000
      rows.push(['RSS before queueing', `${rssBefore.toFixed(0)} MB`])
      rows.push([
        'RSS at 25/50/75/100 % queued',
        rssAtQuarter.map((v) => `${v.toFixed(0)}`).join(' / ') + ' MB',
      ])
      rows.push(['drain (release → last delivery)', `${drainSeconds.toFixed(2)} s`])
      rows.push([
        'drain rate',
        `${Math.round(delivered / drainSeconds)} items/s (${Math.round(delivered / activeSeconds)} items/s from first delivery)`,
      ])
    }
    rows.push([
      'CPU: service / sandbox (per event)',
      `${cpu.service.toFixed(2)} s / ${cpu.sandbox.toFixed(2)} s (${Math.round((cpu.service * 1e6) / N)} / ${Math.round((cpu.sandbox * 1e6) / N)} µs)`,
    ])
    rows.push([
      'service peak RSS (sampled / VmHWM)',
      `${peakRss.toFixed(0)} MB / ${memory.hwm.toFixed(0)} MB (target < 300)`,
    ])
    const title =
      BACKLOG > 0 ? `backlog run: ${N} events queued during a sandbox outage` : `end-to-end run: ${N} events`
    process.stdout.write(`\n${title}\n${table(rows)}\n`)
    process.exitCode = complete && sent.failed === 0 ? 0 : 1
  } finally {
    await stopAll()
    rmSync(dir, { recursive: true, force: true })
  }
}

const watchdog = setTimeout(
  () => {
    log('watchdog: giving up')
    void stopAll().then(() => {
      removeTemp()
      process.exit(1)
    })
  },
  (TIMEOUT_S + DRAIN_TIMEOUT_S + 300) * 1000,
)
watchdog.unref()

main().catch(async (error) => {
  log(`failed: ${error.message}`)
  await stopAll()
  removeTemp()
  process.exit(1)
})
