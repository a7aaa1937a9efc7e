// `npm run bench:store`: the store's share of the work, without HTTP, the sandbox or a second
// process — the parts of bench:e2e that are SQLite. Runs against the built JavaScript in dist/.
//
// 1. accept: the corpus (10,000 events, default seed) through DeliveryService.accept — routing
//    (triggers, mappings, validation, payloads) and the ingest transaction (events, dedupe keys,
//    jobs) — in 100-event batches, four per event-loop turn as four ingest connections would give
//    the group commit. µs per event.
// 2. claim + complete: every queue of that store emptied the way workers do (claims of 1,000 on bulk
//    queues, 256 on single ones; each claimed job completed: outcome logged, job deleted). µs per job.
//
// Each round opens a fresh store in a temporary folder; the best and the median round are printed.
// Wall-clock numbers on a shared machine vary by ±15 % from run to run: compare medians of several
// rounds, before and after, on the same machine. Also printed (Linux): bytes the process handed to
// write calls per event and per job — WAL frames plus the checkpoint thread's copies into the
// database file. They vary less than the times (the checkpoint thread's timing moves them by a few
// per cent), so together with the medians they show what a schema change saves.
//
//   node bench/store.mjs [--n 10000] [--rounds 5]
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { corpusLines } from './corpus.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback
}
const N = arg('n', 10_000)
const ROUNDS = arg('rounds', 5)
const SEED = 20251115
const BATCH = 100
const PER_TURN = 4

/** Bytes this process has passed to write calls so far (Linux), or NaN. */
const writtenBytes = () =>
  existsSync('/proc/self/io')
    ? Number(/^wchar: (\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1])
    : NaN

const load = (rel) => import(path.join(root, 'dist', rel))
const { openStore } = await load('store/index.js')
const { DeliveryService } = await load('delivery/index.js')
const { isBulkEndpoint } = await load('delivery/bulk-chunks.js')
const { defaultMappings } = await load('config/index.js')
const { normalizeEvent } = await load('engine/event/index.js')

const receivedAt = new Date()
const batches = []
const lines = corpusLines(N, SEED)
for (let i = 0; i < lines.length; i += BATCH) {
  batches.push(lines.slice(i, i + BATCH).map((line) => normalizeEvent(JSON.parse(line), { receivedAt })))
}

async function freshStore(dir) {
  const store = await openStore({ kind: 'sqlite', dir })
  const destination = await store.createDestination({
    name: 'iterable',
    kind: 'iterable',
    settings: { dataCenterLocation: 'united_states' },
    apiKey: 'bench0000000000000000000000000000',
  })
  for (const m of defaultMappings()) {
    await store.createMapping({
      destinationId: destination.id,
      name: m.name,
      trigger: m.trigger,
      action: m.action,
      fields: m.fields,
      batching: m.batching ?? null,
      enabled: true,
    })
  }
  const source = await store.createSource({ name: 'bench', writeKey: 'wk_bench_store' })
  const service = new DeliveryService({ store })
  await service.reload()
  return { store, service, sourceId: source.id }
}

async function round() {
  const dir = mkdtempSync(path.join(tmpdir(), 'iterable-actions-bench-store-'))
  const { store, service, sourceId } = await freshStore(dir)
  try {
    let w0 = writtenBytes()
    let t0 = performance.now()
    for (let i = 0; i < batches.length; i += PER_TURN) {
      await Promise.all(
        batches.slice(i, i + PER_TURN).map((events) =>
          service.accept(
            sourceId,
            events,
            receivedAt,
            events.map(() => 512),
          ),
        ),
      )
    }
    const acceptUs = ((performance.now() - t0) * 1000) / N
    const acceptBytes = (writtenBytes() - w0) / N

    let jobs = 0
    w0 = writtenBytes()
    t0 = performance.now()
    // Passes over the queues until one claims nothing: jobs parked behind an Upsert User job (identify
    // first) become ready when it completes, possibly after their own queue's turn.
    for (let claimedInPass = -1; claimedInPass !== 0;) {
      claimedInPass = 0
      for (const queue of await store.listQueues()) {
        const limit = isBulkEndpoint(queue.endpoint) ? 1000 : 256
        for (;;) {
          const claimed = await store.claim({ ...queue, limit, workerId: 'bench', leaseMs: 60_000 })
          if (claimed.length === 0) break
          await store.complete(
            claimed.map((job) => job.id),
            { statusCode: 200 },
          )
          claimedInPass += claimed.length
        }
      }
      jobs += claimedInPass
    }
    const [left] = await store.queueStats()
    if (left !== undefined) throw new Error(`${left.depth} jobs were left in ${left.endpoint}`)
    const settleUs = jobs === 0 ? 0 : ((performance.now() - t0) * 1000) / jobs
    const settleBytes = jobs === 0 ? 0 : (writtenBytes() - w0) / jobs
    return { acceptUs, settleUs, acceptBytes, settleBytes, jobs }
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const results = []
for (let r = 0; r < ROUNDS; r++) results.push(await round())
const stats = (key, digits = 1) => {
  const sorted = results.map((r) => r[key]).sort((a, b) => a - b)
  return `${sorted[0].toFixed(digits)} / ${sorted[sorted.length >> 1].toFixed(digits)}`
}
console.log(
  `corpus: ${N} events (seed ${SEED}), ${results[0].jobs} jobs; ${ROUNDS} rounds; node ${process.version}\n`,
)
console.log('| SQLite store, in process | best / median |')
console.log('| --- | ---: |')
console.log(`| accept: route + ingest transaction (µs/event) | ${stats('acceptUs')} |`)
console.log(`| claim + complete (µs/job) | ${stats('settleUs')} |`)
console.log(`| accept: bytes written per event | ${stats('acceptBytes', 0)} |`)
console.log(`| claim + complete: bytes written per job | ${stats('settleBytes', 0)} |`)
