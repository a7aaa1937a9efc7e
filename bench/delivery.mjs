// Delivery alone (`npm run bench:delivery`): the corpus is appended to a fresh SQLite log first (not
// measured), then the delivery engine follows it in this process, into the trivial sink of
// bench:compare (its own process). Measured per round: events/s, this process's CPU µs per event
// (the engine: reading the log, routing, sending, writing progress) and bytes written per event.
// Ingest, the sender and the HTTP server are out of the picture, so rounds vary less than end to end.
//
//   node bench/delivery.mjs [--n 5000] [--rounds 5]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { corpusFile, corpusLines } from './corpus.mjs'
import { startSink } from './compare/sink-client.mjs'
import { stopAll } from './lib/children.mjs'
import { ioOf } from './lib/proc.mjs'
import { ROOT, routableItems } from './lib/service.mjs'

const args = process.argv.slice(2)
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const N = arg('n', 5000)
const ROUNDS = arg('rounds', 5)
const log = (line) => process.stderr.write(`[bench:delivery] ${line}\n`)

const dist = (file) => import(path.join(ROOT, 'dist', file))
const { openStore } = await dist('store/index.js')
const { DeliveryService } = await dist('delivery/index.js')
const { routingPort } = await dist('cli/serve/routing-port.js')
const { defaultMappings } = await dist('config/index.js')
const { eventJson, eventUserKey, normalizeEvent } = await dist('engine/event/index.js')

const SEED = 20251115
const lines = corpusLines(N, SEED)
const expected = routableItems(corpusFile(N, SEED))
const sink = await startSink(log)

async function round(index) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-delivery-'))
  const store = await openStore({ kind: 'sqlite', dir })
  try {
    const destination = await store.createDestination({
      name: 'iterable',
      kind: 'iterable',
      settings: { dataCenterLocation: 'united_states' },
      apiKey: 'bench0000000000000000000000000000',
    })
    for (const mapping of defaultMappings()) {
      await store.createMapping({
        destinationId: destination.id,
        name: mapping.name,
        trigger: mapping.trigger,
        action: mapping.action,
        fields: mapping.fields,
        batching: mapping.batching ?? null,
        enabled: true,
      })
    }
    const source = await store.createSource({ name: 'bench', writeKey: 'wk_bench' })
    const service = new DeliveryService({
      store,
      routing: routingPort,
      baseUrlOverride: sink.url,
      logger: pino({ level: 'warn' }),
      delivery: { rateLimits: false },
    })
    await service.reload()
    for (let i = 0; i < lines.length; i += 100) {
      const receivedAt = new Date()
      const events = lines.slice(i, i + 100).map((line) => {
        const event = normalizeEvent(JSON.parse(line), { receivedAt })
        const body = eventJson(event)
        return { messageId: event.messageId, body, size: body.length, userKey: eventUserKey(event) }
      })
      await service.accept(source.id, events, receivedAt)
    }
    await sink.reset()
    const io0 = ioOf(process.pid)
    const cpu0 = process.cpuUsage()
    const t0 = process.hrtime.bigint()
    await service.start()
    const outcome = await sink.waitForItems(expected, { timeoutMs: 120_000 })
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9
    const cpu = process.cpuUsage(cpu0)
    const io1 = ioOf(process.pid)
    await service.stop(2000)
    const cpuUs = (cpu.user + cpu.system) / N
    log(
      `round ${index}: ${outcome}, ${(N / seconds).toFixed(0)} events/s, CPU ${cpuUs.toFixed(0)} µs/event ` +
        `(user ${(cpu.user / N).toFixed(0)}), written ${((io1.writeBytes - io0.writeBytes) / N / 1024).toFixed(2)} KB/event`,
    )
    return { eventsPerSecond: N / seconds, cpuUs }
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const results = []
for (let i = 1; i <= ROUNDS; i++) results.push(await round(i))
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
log(
  `median: ${median(results.map((r) => r.eventsPerSecond)).toFixed(0)} events/s, ` +
    `${median(results.map((r) => r.cpuUs)).toFixed(0)} µs CPU per event (best ${Math.min(...results.map((r) => r.cpuUs)).toFixed(0)})`,
)
await stopAll()
