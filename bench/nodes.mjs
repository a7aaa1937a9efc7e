// `npm run bench:nodes`: one, two and three `serve` nodes on one PostgreSQL, on this machine. Each
// run: a fresh schema, the nodes started together (built CLI, delivering to the benchmark's sink),
// N track events posted to them round robin (requests of 100 events, 4 in flight per node), the clock
// stopped at the last item the sink received. Reported per run: events/s end to end and of ingest,
// PostgreSQL's CPU per event (from /proc of the server processes serving the nodes' connections,
// found by application_name, and of every postgres process on the machine) and WAL bytes per event
// (pg_current_wal_lsn() before and after; the whole server's). docs/benchmarks.md, "Several nodes".
//
//   node bench/nodes.mjs [--database-url postgres://root@127.0.0.1:5432/test] [--events 20000]
//                        [--nodes 1,2,3] [--timeout 300]
import { readdirSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { exitOf, spawnNode, stopAll, stopChild } from './lib/children.mjs'
import { sendAll } from './lib/ingest-client.mjs'
import { cpuSecondsOf, freePort } from './lib/proc.mjs'
import { CLI, ROOT, getJson, waitFor } from './lib/service.mjs'
import { startSink } from './compare/sink-client.mjs'
import { openDatabase, secretKey, withApplicationName } from './compare/postgres.mjs'

const HOST = '127.0.0.1'
const WRITE_KEY = 'wk_bench_nodes'
const ADMIN_TOKEN = 'bench-nodes-admin-token'
const API_KEY = 'bench_nodes_api_key_0123456789ab'
const BATCH = 100
const IN_FLIGHT_PER_NODE = 4
const SAMPLE_MS = 250

const { values: opts } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://root@127.0.0.1:5432/test' },
    events: { type: 'string', default: '20000' },
    nodes: { type: 'string', default: '1,2,3' },
    timeout: { type: 'string', default: '300' },
  },
})
const events = Number(opts.events)
const nodeCounts = opts.nodes.split(',').map(Number)
const timeoutMs = Number(opts.timeout) * 1000
const log = (message) => process.stderr.write(`[bench:nodes] ${message}\n`)

/** Request bodies of synthetic track events (users spread, one item each at the destination). */
function bodies(tag) {
  const out = []
  for (let start = 0; start < events; start += BATCH) {
    const batch = []
    for (let i = start; i < Math.min(events, start + BATCH); i++) {
      batch.push({
        type: 'track',
        event: 'Bench Nodes',
        userId: `user-${i % 5000}`,
        messageId: `${tag}-${i}`,
        timestamp: new Date().toISOString(),
        properties: { i, plan: 'pro', amount: i % 97, tags: ['a', 'b'] },
      })
    }
    out.push(JSON.stringify({ batch }))
  }
  return out
}

/** Pids of every process named postgres on this machine (the server runs here). */
function postgresPids() {
  const pids = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return pids
}

/**
 * CPU seconds spent by a changing set of processes, sampled every SAMPLE_MS: a process that exits
 * counts with its last sample, one that starts counts from zero.
 */
function cpuSampler(pidsNow) {
  const first = new Map()
  const last = new Map()
  let started = false
  let timer = null
  const sample = async () => {
    for (const pid of await pidsNow()) {
      const cpu = cpuSecondsOf(pid)
      if (!first.has(pid)) first.set(pid, started ? 0 : cpu)
      last.set(pid, Math.max(cpu, last.get(pid) ?? 0))
    }
  }
  return {
    async start() {
      await sample()
      started = true
      timer = setInterval(() => void sample(), SAMPLE_MS)
    },
    async stop() {
      clearInterval(timer)
      await sample()
      let seconds = 0
      for (const [pid, cpu] of last) seconds += cpu - (first.get(pid) ?? 0)
      return seconds
    },
  }
}

async function run(nodes, database, sink) {
  const tag = `bench_nodes_${process.pid}_${nodes}_${Date.now().toString(36)}`
  const schema = tag
  const env = {
    DATABASE_URL: withApplicationName(database.url, tag),
    SECRET_KEY: secretKey(),
    RATE_LIMIT_NODES: '',
    CONFIG_FILE: '',
    LEASE_MS: '',
    SANDBOX: '',
  }
  const children = []
  try {
    const urls = []
    for (let n = 0; n < nodes; n++) {
      const port = await freePort(HOST)
      const { child } = spawnNode(
        `serve ${n + 1}`,
        CLI,
        [
          'serve',
          ...['--host', HOST, '--port', String(port), '--database-schema', schema],
          ...['--write-key', WRITE_KEY, '--api-key', API_KEY, '--iterable-url', sink.url],
          ...['--admin-token', ADMIN_TOKEN, '--log-level', 'warn'],
        ],
        { cwd: ROOT, env, log },
      )
      children.push(child)
      urls.push(`http://${HOST}:${port}`)
    }
    const exited = Promise.race(children.map((child, n) => exitOf(child, `serve ${n + 1}`)))
    exited.catch(() => {})
    await Promise.race([
      exited,
      Promise.all(
        urls.map((url) =>
          waitFor('serve to be ready', async () => (await getJson(`${url}/readyz`)).status === 200, 60_000),
        ),
      ),
    ])
    const all = bodies(tag)
    const shares = urls.map((_, n) => all.filter((__, i) => i % nodes === n))
    const backends = cpuSampler(async () => [...(await database.backendCpu(tag)).keys()])
    const server = cpuSampler(async () => postgresPids())
    await sink.reset()
    const walBefore = await database.walLsn()
    await Promise.all([backends.start(), server.start()])
    const startedAt = process.hrtime.bigint()
    let ingestEndedAt = 0n
    const ingest = Promise.all(
      urls.map((url, n) => sendAll(url, shares[n], { writeKey: WRITE_KEY, connections: IN_FLIGHT_PER_NODE })),
    ).then((results) => {
      ingestEndedAt = process.hrtime.bigint()
      return results
    })
    const [sent, outcome] = await Promise.race([
      exited,
      Promise.all([ingest, sink.waitForItems(events, { timeoutMs })]),
    ])
    if (outcome !== 'reached')
      throw new Error(`${nodes} node(s): ${outcome} before the sink had ${events} items`)
    const stats = await sink.stats()
    const [backendSeconds, serverSeconds] = await Promise.all([backends.stop(), server.stop()])
    const walBytes = await database.walBytesBetween(walBefore, await database.walLsn())
    const seconds = Number((stats.lastItemAt ?? process.hrtime.bigint()) - startedAt) / 1e9
    const ingestSeconds = Number(ingestEndedAt - startedAt) / 1e9
    const failed = sent.reduce((sum, s) => sum + s.failed + s.rejected, 0)
    return {
      nodes,
      events,
      eventsPerSecond: Math.round(events / seconds),
      ingestEventsPerSecond: Math.round(events / ingestSeconds),
      postgresCpuUsPerEvent: Math.round((backendSeconds * 1e6) / events),
      postgresAllProcessesCpuUsPerEvent: Math.round((serverSeconds * 1e6) / events),
      walBytesPerEvent: Math.round(walBytes / events),
      failedOrRejected: failed,
      sinkRequests: stats.requests,
    }
  } finally {
    await Promise.all(children.map(stopChild))
    await database.dropSchema(schema).catch(() => {})
  }
}

async function main() {
  const database = openDatabase(opts['database-url'])
  await database.check()
  const sink = await startSink(log)
  const results = []
  try {
    for (const nodes of nodeCounts) {
      log(`${nodes} node(s), ${events} events…`)
      const result = await run(nodes, database, sink)
      log(JSON.stringify(result))
      results.push(result)
    }
  } finally {
    await stopAll()
    await database.close()
  }
  console.log(
    '| nodes | events/s (end to end) | ingest events/s | PostgreSQL CPU µs/event (nodes’ backends) | all postgres processes µs/event | WAL bytes/event |',
  )
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const r of results) {
    console.log(
      `| ${r.nodes} | ${r.eventsPerSecond} | ${r.ingestEventsPerSecond} | ${r.postgresCpuUsPerEvent} | ${r.postgresAllProcessesCpuUsPerEvent} | ${r.walBytesPerEvent} |`,
    )
  }
  console.log(JSON.stringify(results))
}

main().catch((error) => {
  log(error.stack ?? String(error))
  process.exitCode = 1
})
