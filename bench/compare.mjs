// `npm run bench:compare`: the service against Segment's own per-event path, on the same corpus, into
// the same trivial local sink, in alternating rounds (reference, serve, reference, serve, …) of one run.
//
//   node bench/compare.mjs [--n 5000] [--rounds 3] [--database-url postgres://…] [--timeout 120]
//                          [--reference-connections per-request|keep-alive] [--no-install]
//
// Reference: @segment/action-destinations 3.497.0 + @segment/actions-core 3.170.0 from bench/reference/
// (installed there on first use), one process, 4 events in flight (./compare/reference-worker.mjs).
// Serve: `serve` from dist/, cold on an empty data folder (or a fresh PostgreSQL schema), the corpus
// posted to /v1/batch 100 events a request, 4 requests in flight (./compare/serve-side.mjs).
// For each side: events/s, CPU µs per event, bytes written per event, peak RSS, from /proc/<pid> of
// the measured process; with --database-url also WAL bytes per event. docs/benchmarks.md explains them.
// Every wait is bounded; the child processes are stopped and the temporary data removed on every way out.
import { existsSync } from 'node:fs'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { stopAll } from './lib/children.mjs'
import { CLI, routableItems } from './lib/service.mjs'
import { corpusFile, corpusLines } from './corpus.mjs'
import { openDatabase } from './compare/postgres.mjs'
import { ensureReference, REFERENCE_DIR } from './compare/reference-install.mjs'
import { referenceRound } from './compare/reference-side.mjs'
import { endpointLine, RATIO_NOTE, roundLine, summaryTable } from './compare/report.mjs'
import { serveRound } from './compare/serve-side.mjs'
import { startSink } from './compare/sink-client.mjs'

const USAGE =
  'usage: node bench/compare.mjs [--n 5000] [--rounds 3] [--database-url postgres://…] [--timeout 120] ' +
  '[--reference-connections per-request|keep-alive] [--no-install]'
const SEED = 20251115
const API_KEY = 'bench0000000000000000000000000000'
/** Events in flight on the reference side, ingest requests in flight on serve's side. */
const IN_FLIGHT = 4
/** Events per /v1/batch request. */
const BATCH = 100
/** Extra node flags for both measured processes, e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)

const log = (line) => process.stderr.write(`[bench:compare] ${line}\n`)

/** Bad options: the message and the usage line, no stack. */
class UsageError extends Error {}

function options() {
  let values
  try {
    values = parseArgs({
      options: {
        n: { type: 'string', default: '5000' },
        rounds: { type: 'string', default: '3' },
        timeout: { type: 'string', default: '120' },
        'database-url': { type: 'string' },
        'reference-connections': { type: 'string', default: 'per-request' },
        'no-install': { type: 'boolean', default: false },
      },
    }).values
  } catch (error) {
    throw new UsageError(error.message)
  }
  const count = (name, text) => {
    if (!/^[1-9]\d*$/.test(text)) {
      throw new UsageError(`--${name} must be a whole number, 1 or more (got "${text}")`)
    }
    return Number(text)
  }
  const connections = values['reference-connections']
  if (connections !== 'per-request' && connections !== 'keep-alive') {
    throw new UsageError(`--reference-connections must be per-request or keep-alive (got "${connections}")`)
  }
  return {
    connections,
    events: count('n', values.n),
    rounds: count('rounds', values.rounds),
    timeoutMs: count('timeout', values.timeout) * 1000,
    databaseUrl: values['database-url'] ?? null,
    install: !values['no-install'],
  }
}

/** Undone cleanups of the round in progress (temporary folder, schema), run on every way out. */
const cleanups = new Set()
async function cleanUp() {
  await stopAll()
  for (const cleanup of cleanups) await cleanup().catch((error) => log(`cleanup failed: ${error.message}`))
  cleanups.clear()
}

const loadText = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')

/** What must hold for the numbers to mean anything: both sides sent the same items, nothing failed. */
function problemsOf(reference, serve, expectedItems) {
  const problems = []
  reference.forEach((r, i) => {
    if (r.items !== expectedItems) {
      problems.push(
        `reference round ${i + 1}: the sink saw ${r.items} items, preview says serve sends ${expectedItems}`,
      )
    }
    if (r.items !== r.requests) {
      problems.push(
        `reference round ${i + 1}: ${r.requests} actions executed but ${r.items} items at the sink`,
      )
    }
  })
  serve.forEach((s, i) => {
    if (s.items !== expectedItems) problems.push(`serve round ${i + 1}: ${s.items} of ${expectedItems} items`)
    if (s.failedRequests > 0)
      problems.push(`serve round ${i + 1}: ${s.failedRequests} ingest requests failed`)
    if (s.deadLetters > 0) problems.push(`serve round ${i + 1}: ${s.deadLetters} dead letters`)
  })
  return problems
}

async function main(opts) {
  if (!existsSync(CLI))
    throw new Error('dist/ is missing: run `npm run build` first (npm run bench:compare does)')
  ensureReference({ install: opts.install, log })
  const loadAtStart = loadText()
  const file = corpusFile(opts.events, SEED)
  const lines = corpusLines(opts.events, SEED)
  const expectedItems = routableItems(file)
  log(`corpus: ${opts.events} events (seed ${SEED}), ${expectedItems} items to send according to preview`)

  const database = opts.databaseUrl === null ? null : openDatabase(opts.databaseUrl)
  const sink = await startSink(log)
  const reference = []
  const serve = []
  try {
    if (database !== null) {
      await database.check()
      const inspection = await database.inspectWal()
      if (inspection.cleanup === null) {
        log(`pg_walinspect cannot be used (${inspection.reason}): WAL is measured for the whole server only`)
      } else cleanups.add(inspection.cleanup)
    }
    const common = {
      sink,
      events: opts.events,
      apiKey: API_KEY,
      nodeArgs: NODE_ARGS,
      timeoutMs: opts.timeoutMs,
      log,
    }
    for (let round = 1; round <= opts.rounds; round++) {
      const ref = await referenceRound({
        ...common,
        corpusFile: file,
        referenceDir: REFERENCE_DIR,
        concurrency: IN_FLIGHT,
        connections: opts.connections,
      })
      reference.push(ref)
      log(roundLine('reference', round, ref))
      const own = await serveRound({
        ...common,
        round,
        corpusLines: lines,
        expectedItems,
        database,
        batch: BATCH,
        inFlight: IN_FLIGHT,
        cleanups,
      })
      serve.push(own)
      log(roundLine('serve', round, own))
    }
  } finally {
    await cleanUp()
    await database?.close()
  }

  const refused = Object.entries(reference[0].failures)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ')
  const mode = database === null ? 'SQLite' : 'PostgreSQL'
  process.stdout.write(
    [
      '',
      `bench:compare: ${opts.events} events, ${opts.rounds} rounds per side, serve with ${mode}, ` +
        `reference with a connection ${opts.connections === 'keep-alive' ? 'kept alive (not its own behaviour)' : 'per request'}; ` +
        `${expectedItems} items to the sink per round (reference: ${refused || 'no'} events refused)`,
      `load average (1/5/15 min) at start ${loadAtStart}, at end ${loadText()}`,
      '',
      summaryTable(reference, serve),
      '',
      RATIO_NOTE,
      endpointLine('reference', reference.at(-1)),
      endpointLine('serve', serve.at(-1)),
      '',
    ].join('\n'),
  )
  const problems = problemsOf(reference, serve, expectedItems)
  for (const problem of problems) process.stdout.write(`PROBLEM: ${problem}\n`)
  process.exitCode = problems.length === 0 ? 0 : 1
}

let watchdog
function stopOn(signal) {
  process.once(signal, () => {
    log(`${signal}: stopping`)
    void cleanUp().finally(() => process.exit(130))
  })
}
stopOn('SIGINT')
stopOn('SIGTERM')

try {
  const opts = options()
  const { rounds, timeoutMs } = opts
  // Each round: its timeout, a minute to start and stop its processes; plus the corpus and preview.
  watchdog = setTimeout(
    () => {
      log('watchdog: giving up')
      void cleanUp().finally(() => process.exit(1))
    },
    rounds * 2 * (timeoutMs + 60_000) + 300_000,
  )
  watchdog.unref()
  await main(opts)
} catch (error) {
  log(`failed: ${error.message}`)
  if (error instanceof UsageError) log(USAGE)
  // A plain Error is a reported failure (a timeout, a missing install); anything else is a bug here.
  else if (error.name !== 'Error') log(error.stack)
  await cleanUp()
  process.exitCode = error instanceof UsageError ? 2 : 1
} finally {
  clearTimeout(watchdog)
}
