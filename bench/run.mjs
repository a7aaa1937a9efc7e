// `npm run bench`: engine and preview throughput over the shared corpus (10,000 events, default
// seed). Runs against the built JavaScript in dist/ so it measures what users run.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { corpusLines } from './corpus.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const N = Number(process.env.BENCH_N ?? 10000)
const SEED = Number(process.env.BENCH_SEED ?? 20251115)

/** Runs fn over all items `rounds` times after a warm-up; returns µs per item (best round). */
function measure(items, fn, rounds = 7) {
  for (let i = 0; i < Math.min(items.length, 2000); i++) fn(items[i])
  let best = Infinity
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < items.length; i++) fn(items[i])
    const us = Number(process.hrtime.bigint() - t0) / 1000 / items.length
    if (us < best) best = us
  }
  return best
}

const load = (rel) => import(path.join(root, 'dist', rel))
const { compileTrigger } = await load('engine/trigger/index.js')
const { compileMapping } = await load('engine/mapping/index.js')
const { compileFields } = await load('engine/fields/index.js')
const lib = await load('iterable/index.js')
const { AUTOMATIC_PRESETS, actions } = lib

const lines = corpusLines(N, SEED)
const events = lines.map((l) => JSON.parse(l))
const presets = AUTOMATIC_PRESETS.map((p) => ({
  name: p.name,
  trigger: compileTrigger(p.subscribe),
  mapping: compileMapping(p.mapping),
  fields: compileFields(actions[p.partnerAction].fields),
}))
const presetOf = events.map((e) => presets.find((p) => p.trigger(e)))
const routed = events
  .map((e, i) => ({ event: e, raw: lines[i], preset: presetOf[i] }))
  .filter((x) => x.preset)

let sink = 0
const rows = []
const triggers = measure(events, (e) => {
  for (let k = 0; k < presets.length; k++) if (presets[k].trigger(e)) sink++
})
rows.push(['(a) four preset triggers, compiled once', triggers])
for (const p of presets) {
  const mine = routed.filter((x) => x.preset === p)
  rows.push([`(b) mapping: ${p.name} (${mine.length} events)`, measure(mine, (x) => p.mapping(x.event))])
}
const mapValidate = measure(routed, (x) => {
  const result = x.preset.fields.validate(x.preset.mapping(x.event), 'single')
  if (result.ok) sink++
})
rows.push(['(c) mapping + validation (all presets)', mapValidate])
for (const x of routed) {
  const result = x.preset.fields.validate(x.preset.mapping(x.event), 'single')
  x.payload = result.ok ? result.payload : { error: result.message }
}
const floorUs = measure(routed, (x) => {
  const parsed = JSON.parse(x.raw)
  sink += JSON.stringify(x.payload).length + (parsed ? 1 : 0)
})
rows.push(['(d) floor: JSON.parse(raw) + JSON.stringify(payload)', floorUs])

// Routing as delivery calls it: the four presets of one destination, every corpus event.
const { Routing } = await load('routing/index.js')
const { defaultMappings } = await load('config/index.js')
const routing = Routing.compile({
  destinations: [
    {
      id: 'd',
      name: 'iterable',
      settings: {},
      receives: true,
      mappings: defaultMappings().map((m, i) => ({ ...m, id: `m${i}`, enabled: true, batching: null })),
    },
  ],
})
const receivedAt = Date.parse('2025-01-15T09:00:00Z')
rows.push([
  '(e) Routing.route: four presets, every event (items with ordering keys)',
  measure(events, (e) => {
    sink += routing.route(e, { receivedAt }).length
  }),
])

// Preview: one NDJSON line in, its output line(s) out — the whole per-event path without network.
const { PreviewSession } = await load('preview/session.js')
const config = lib.previewConfig
  ? lib.previewConfig(undefined)
  : (await load('preview/compiled-config.js')).previewConfig(undefined)
const now = Date.parse('2025-01-15T09:00:00Z')
const previewRun = (batch) => {
  let best = Infinity
  for (let round = 0; round < 5; round++) {
    const session = new PreviewSession(config, { batch, now })
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < lines.length; i++) sink += session.push(lines[i], i + 1).length
    sink += session.finish().length
    const us = Number(process.hrtime.bigint() - t0) / 1000 / lines.length
    if (us < best) best = us
  }
  return best
}
rows.push(['preview, single mode (NDJSON line in → line out)', previewRun(false)])
rows.push(['preview --batch (NDJSON line in → bulk lines out)', previewRun(true)])

console.log(
  `corpus: ${events.length} events (seed ${SEED}), ${routed.length} matched a preset; node ${process.version}`,
)
console.log('')
console.log(`| measure | µs/event | events/s | × floor |`)
console.log(`| --- | ---: | ---: | ---: |`)
for (const [name, us] of rows) {
  console.log(
    `| ${name} | ${us.toFixed(3)} | ${Math.round(1e6 / us).toLocaleString('en-US')} | ${(us / floorUs).toFixed(2)} |`,
  )
}
if (sink === -1) console.log(sink)
