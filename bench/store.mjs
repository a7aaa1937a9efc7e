// `npm run bench:store`: the store's share of the work in one process, without HTTP, routing, the
// sandbox or a second process — the parts of the event-log core that are the database:
//
// 1. ingest: the corpus (5,000 events by default) appended by `store.ingest`, one transaction per
//    100-event request, four requests per event-loop turn as four ingest connections would give
//    SQLite's group commit (dedupe keys included). µs per event and bytes written per event.
// 2. read: the whole log read back by `store.readLog` in pages of 500, as delivery follows it.
// 3. progress: one `commitProgress` per 100 events that moves the cursor only (the happy path:
//    every item delivered at the first try), as delivery commits per request it sends. µs and bytes
//    written per commit.
//
// Each round opens a fresh store (a temporary SQLite folder, or a fresh PostgreSQL schema with
// --database-url); best and median of the rounds are printed. Bytes are what this process handed to
// write calls (SQLite: WAL frames and checkpoint copies). With PostgreSQL the server writes, not this
// process: its WAL bytes per event come from pg_current_wal_lsn().
//
//   node bench/store.mjs [--n 5000] [--rounds 5] [--database-url postgres://root@127.0.0.1:5432/test]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { corpusLines } from './corpus.mjs'
import { ioOf } from './lib/proc.mjs'
import { ROOT } from './lib/service.mjs'

const args = process.argv.slice(2)
const option = (name) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const N = Number(option('n') ?? 5000)
const ROUNDS = Number(option('rounds') ?? 5)
const DATABASE_URL = option('database-url')
const SEED = 20251115
const BATCH = 100
const PER_TURN = 4
const PAGE = 500

const dist = (file) => import(path.join(ROOT, 'dist', file))
const { openStore } = await dist('store/index.js')
const { eventJson, eventUserKey, normalizeEvent } = await dist('engine/event/index.js')

const receivedAt = Date.now()
const requests = []
const lines = corpusLines(N, SEED)
for (let i = 0; i < lines.length; i += BATCH) {
  requests.push(
    lines.slice(i, i + BATCH).map((line) => {
      const event = normalizeEvent(JSON.parse(line), { receivedAt: new Date(receivedAt) })
      const body = eventJson(event)
      return { messageId: event.messageId, body, size: body.length, userKey: eventUserKey(event) }
    }),
  )
}

const written = () => ioOf(process.pid).wchar

async function freshStore(round) {
  if (DATABASE_URL === undefined) {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-store-'))
    const store = await openStore({ kind: 'sqlite', dir })
    return { store, walBytes: async () => NaN, dispose: () => rmSync(dir, { recursive: true, force: true }) }
  }
  const schema = `bench_store_${process.pid}_${round}`
  const store = await openStore({
    kind: 'postgres',
    url: DATABASE_URL,
    schema,
    secretKey: '0'.repeat(64),
  })
  const pg = (await import('pg')).default
  const admin = new pg.Client({ connectionString: DATABASE_URL })
  await admin.connect()
  const lsn = async () =>
    BigInt((await admin.query("SELECT pg_current_wal_lsn() - '0/0' AS bytes")).rows[0].bytes)
  return {
    store,
    walBytes: lsn,
    dispose: async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await admin.end()
    },
  }
}

async function round(index) {
  const { store, walBytes, dispose } = await freshStore(index)
  try {
    const destination = await store.createDestination({
      name: 'iterable',
      kind: 'iterable',
      settings: { dataCenterLocation: 'united_states' },
      apiKey: 'bench0000000000000000000000000000',
    })
    const source = await store.createSource({ name: 'bench', writeKey: `wk_bench_store_${index}` })
    const owner = `bench-${process.pid}`
    const state = await store.openDelivery(destination.id, owner, { leaseMs: 600_000, force: true })
    const start = state.cursor

    // 1. ingest
    let bytes0 = written()
    let wal0 = await walBytes()
    let t0 = performance.now()
    for (let i = 0; i < requests.length; i += PER_TURN) {
      await Promise.all(
        requests
          .slice(i, i + PER_TURN)
          .map((events) => store.ingest({ sourceId: source.id, receivedAt, revision: 1, events })),
      )
    }
    const ingestUs = ((performance.now() - t0) * 1000) / N
    const ingestBytes = (written() - bytes0) / N
    const ingestWal = Number((await walBytes()) - wal0) / N

    // 2. read
    t0 = performance.now()
    const ids = []
    for (let after = start; ;) {
      const page = await store.readLog(after, PAGE)
      if (page.length === 0) break
      for (const event of page) ids.push(event.id)
      after = page[page.length - 1].id
    }
    const readUs = ((performance.now() - t0) * 1000) / N
    if (ids.length !== N) throw new Error(`read ${ids.length} events of ${N}`)

    // 3. progress
    bytes0 = written()
    wal0 = await walBytes()
    t0 = performance.now()
    let commits = 0
    for (let i = BATCH - 1; i < ids.length; i += BATCH) {
      await store.commitProgress(destination.id, owner, { cursor: ids[i] })
      commits++
    }
    const progressUs = ((performance.now() - t0) * 1000) / commits
    const progressBytes = (written() - bytes0) / commits
    const progressWal = Number((await walBytes()) - wal0) / commits
    return { ingestUs, ingestBytes, ingestWal, readUs, progressUs, progressBytes, progressWal }
  } finally {
    await store.close()
    await dispose()
  }
}

const results = []
for (let r = 0; r < ROUNDS; r++) results.push(await round(r))
const stats = (key, digits = 1) => {
  const sorted = results.map((r) => r[key]).sort((a, b) => a - b)
  const format = (value) => (Number.isNaN(value) ? '—' : value.toFixed(digits))
  return `${format(sorted[0])} / ${format(sorted[sorted.length >> 1])}`
}
const kind = DATABASE_URL === undefined ? 'SQLite' : 'PostgreSQL'
console.log(`corpus: ${N} events (seed ${SEED}); ${ROUNDS} rounds; ${kind}; node ${process.version}\n`)
console.log(`| ${kind} store, in process | best / median |`)
console.log('| --- | ---: |')
console.log(`| ingest, ${BATCH}-event transactions (µs/event) | ${stats('ingestUs')} |`)
console.log(`| ingest: bytes written by this process per event | ${stats('ingestBytes', 0)} |`)
console.log(`| ingest: server WAL bytes per event | ${stats('ingestWal', 0)} |`)
console.log(`| readLog, pages of ${PAGE} (µs/event) | ${stats('readUs', 2)} |`)
console.log(`| commitProgress, cursor only (µs/commit) | ${stats('progressUs')} |`)
console.log(`| commitProgress: bytes written by this process per commit | ${stats('progressBytes', 0)} |`)
console.log(`| commitProgress: server WAL bytes per commit | ${stats('progressWal', 0)} |`)
