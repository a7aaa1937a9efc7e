// `npm run bench:ingest`: the ingest path alone (no store), over the shared corpus (10,000 events,
// default seed) in 100-event /v1/batch bodies. Runs against the built JavaScript in dist/.
//
// 1. In process, per body: parse (parseBatchBody), validate + normalise (prepareBatch, what the
//    route does), serialise each stored event body as the store receives it (storedEventJson: the
//    text the store writes). Reported in µs/event per stage, against the floor
//    JSON.parse(body) + JSON.stringify(each event). Every stored text is also measured with
//    Buffer.byteLength, standing for the store's UTF-8 encoding of it: that also flattens the
//    rope the text splice makes, so its cost is not hidden from the numbers.
// 2. Over HTTP: a Fastify app with the ingest plugin and a sink that does nothing, in a child
//    process (so the client's CPU is not the server's); 4 connections, p50/p99 latency per request,
//    events/s.
//
//   node bench/ingest.mjs [--connections 4] [--batch 100] [--rounds 5] [--dist <other build>]
//
// --dist measures another build (for instance an older commit's dist/, for before/after numbers);
// a build without eventJson serialises with JSON.stringify, as its store did.
import { fork } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { corpusLines } from './corpus.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const N = Number(process.env.BENCH_N ?? 10000)
const SEED = Number(process.env.BENCH_SEED ?? 20251115)
const args = process.argv.slice(2)
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback
}
const CONNECTIONS = arg('connections', 4)
const BATCH = arg('batch', 100)
const ROUNDS = arg('rounds', 5)
const WRITE_KEY = 'wk_bench_ingest'

const distAt = args.indexOf('--dist')
const DIST = distAt >= 0 ? path.resolve(args[distAt + 1]) : path.join(root, 'dist')

const load = (rel) => import(path.join(DIST, rel))
/** The text the store writes for an event (JSON.stringify before eventJson existed). */
const loadStoredJson = async () => (await load('engine/event/index.js')).eventJson ?? JSON.stringify

// ---------------------------------------------------------------- server (child process)

if (process.argv.includes('--serve')) {
  const { default: Fastify } = await import('fastify')
  const { ingestRoutes } = await load('server/ingest/index.js')
  const storedEventJson = await loadStoredJson()
  const app = Fastify({ logger: false })
  let sink = 0
  await app.register(ingestRoutes, {
    resolveWriteKey: (key) => (key === WRITE_KEY ? { sourceId: 'src_bench' } : null),
    // What the store would do with each event's body, nothing more.
    accept: async (_sourceId, events) => {
      for (const event of events) sink += Buffer.byteLength(storedEventJson(event))
      return {}
    },
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  process.send({ port: app.server.address().port })
  process.on('message', async (message) => {
    if (message === 'stop') {
      await app.close()
      process.exit(sink === -1 ? 1 : 0)
    }
  })
} else {
  await main()
}

// ---------------------------------------------------------------- client

function buildBodies(lines) {
  const bodies = []
  for (let i = 0; i < lines.length; i += BATCH) {
    bodies.push(Buffer.from(`{"batch":[${lines.slice(i, i + BATCH).join(',')}]}`))
  }
  return bodies
}

/** Runs fn over every item `rounds` times after a warm-up; µs per event (best round). */
function measure(items, fn, events, rounds = 7) {
  for (let r = 0; r < 2; r++) for (const item of items) fn(item)
  let best = Infinity
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint()
    for (const item of items) fn(item)
    const us = Number(process.hrtime.bigint() - t0) / 1000 / events
    if (us < best) best = us
  }
  return best
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

async function httpRun(bodies, events) {
  const { Pool } = await import('undici')
  const child = fork(fileURLToPath(import.meta.url), ['--serve', ...args], { stdio: 'inherit' })
  const { port } = await new Promise((resolve, reject) => {
    child.once('message', resolve)
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)))
  })
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONNECTIONS })
  const headers = {
    'content-type': 'application/json',
    authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
  }
  const round = async () => {
    const latencies = []
    let next = 0
    const worker = async () => {
      while (next < bodies.length) {
        const body = bodies[next++]
        const started = performance.now()
        const response = await pool.request({ path: '/v1/batch', method: 'POST', headers, body })
        const text = await response.body.text()
        latencies.push(performance.now() - started)
        if (response.statusCode !== 200 || text.includes('"rejected"')) throw new Error(text)
      }
    }
    const t0 = performance.now()
    await Promise.all(Array.from({ length: CONNECTIONS }, worker))
    const seconds = (performance.now() - t0) / 1000
    latencies.sort((a, b) => a - b)
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), rate: events / seconds }
  }
  try {
    await round() // warm-up
    const results = []
    for (let r = 0; r < ROUNDS; r++) results.push(await round())
    // The median round by throughput: one slow round (GC, another process) does not decide.
    results.sort((a, b) => a.rate - b.rate)
    return results[Math.floor(results.length / 2)]
  } finally {
    await pool.close()
    child.send('stop')
  }
}

async function main() {
  const { parseBatchBody } = await load('server/ingest/batch-body.js')
  const { prepareBatch } = await load('server/ingest/prepare.js')
  const storedEventJson = await loadStoredJson()
  const { normalizeEvent, validateEvent } = await load('engine/event/index.js')
  const { resolveLimits } = await load('server/ingest/options.js')
  const limits = resolveLimits(undefined)
  const receivedAt = new Date('2025-01-15T09:00:00Z')

  const lines = corpusLines(N, SEED)
  const bodies = buildBodies(lines)
  const events = lines.length
  let sink = 0

  const parsed = bodies.map((body) => parseBatchBody(body))
  const prepared = parsed.map(({ json, sizes, texts }) =>
    prepareBatch(json, sizes, limits, receivedAt, texts),
  )
  const rejected = prepared.reduce((n, p) => n + p.rejected.length, 0)
  if (rejected > 0) throw new Error(`${rejected} corpus events were rejected`)

  const inputs = parsed.map(({ json }) => json.batch)
  const rows = []
  const parse = measure(bodies, (body) => (sink += parseBatchBody(body).sizes.length), events)
  const prepare = measure(
    parsed,
    ({ json, sizes, texts }) => (sink += prepareBatch(json, sizes, limits, receivedAt, texts).events.length),
    events,
  )
  const validate = measure(
    inputs,
    (batch) => {
      for (const event of batch) sink += validateEvent(event).ok ? 1 : 0
    },
    events,
  )
  const normalise = measure(
    inputs,
    (batch) => {
      for (const event of batch) sink += normalizeEvent(event, { receivedAt }).timestamp.length
    },
    events,
  )
  const serialise = measure(
    prepared,
    (p) => {
      for (const event of p.events) sink += Buffer.byteLength(storedEventJson(event))
    },
    events,
  )
  const total = measure(
    bodies,
    (body) => {
      const { json, sizes, texts } = parseBatchBody(body)
      for (const event of prepareBatch(json, sizes, limits, receivedAt, texts).events) {
        sink += Buffer.byteLength(storedEventJson(event))
      }
    },
    events,
  )
  const floor = measure(
    bodies,
    (body) => {
      for (const event of JSON.parse(body.toString()).batch) sink += Buffer.byteLength(JSON.stringify(event))
    },
    events,
  )
  rows.push(['parse (parseBatchBody)', parse])
  rows.push(['validate + normalise + stored text (prepareBatch)', prepare])
  rows.push(['— of which validateEvent alone', validate])
  rows.push(['— of which normalizeEvent alone', normalise])
  rows.push(['serialise stored bodies (eventJson, else JSON.stringify)', serialise])
  rows.push(['**total** (the three in one pass)', total])
  rows.push(['floor: JSON.parse(body) + JSON.stringify(each event)', floor])

  const http = await httpRun(bodies, events)

  console.log(
    `corpus: ${events} events (seed ${SEED}) in ${bodies.length} bodies of ${BATCH}; node ${process.version}`,
  )
  console.log('')
  console.log('| in process | µs/event | × floor |')
  console.log('| --- | ---: | ---: |')
  for (const [name, us] of rows) console.log(`| ${name} | ${us.toFixed(2)} | ${(us / floor).toFixed(2)} |`)
  console.log('')
  console.log(
    `| HTTP, no store (the sink only makes the stored texts), ${CONNECTIONS} connections (median of ${ROUNDS} rounds) | value |`,
  )
  console.log('| --- | ---: |')
  console.log(`| p50 per ${BATCH}-event request | ${http.p50.toFixed(1)} ms |`)
  console.log(`| p99 per ${BATCH}-event request | ${http.p99.toFixed(1)} ms |`)
  console.log(`| events/s | ${Math.round(http.rate).toLocaleString('en-US')} |`)
  if (sink === -1) console.log(sink)
}
