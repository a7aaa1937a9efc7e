// The reference side of `npm run bench:compare`, one process (forked with an IPC channel): Segment's
// own per-event path from its published packages. For each event, the way Segment's destination
// runtime does it, `Destination.onEvent(event, settings)` of @segment/actions-core evaluates the four
// automatic presets' subscriptions (FQL, with @segment/destination-subscriptions), maps and validates
// the matching action's fields and sends one HTTP request, here to the local sink.
//
// Settings: apiKey and the US data center; subscriptions: the Iterable (Actions) destination's four
// automatic presets with batching off (the per-event path). Nothing is durable. CONCURRENCY events are
// in flight at once (like serve's 4 ingest requests in flight); each event's JSON is parsed in the
// timed part, as serve parses what it receives.
//
// Only the Iterable destination module is loaded (as getDestinationByPathKey('iterable') would, minus
// the other destinations' modules, which would only add to its memory). Its requests go to
// https://api.iterable.com as usual; an HTTP agent, added to the destination's own request options,
// connects them to the sink in plain HTTP (serve's side is plain HTTP to the same sink), without TLS.
// Like the reference's own client (node-fetch with `Connection: close`; actions-core destroys a given
// agent after each response), every request has a connection of its own: one new agent per request.
// CONNECTIONS=keep-alive instead shares one keep-alive agent that ignores destroy(), as serve reuses
// its connections: the reference's cost without its connection per request (not its own behaviour).
//
// IPC: → {type:'ready'} once loaded; ← {type:'go'}; → {type:'done', events, requests, failures}
// (or {type:'error', message}).
// Environment: REFERENCE_DIR, CORPUS_FILE, SINK_PORT, CONCURRENCY, API_KEY, CONNECTIONS (per-request or
// keep-alive).
import { readFileSync } from 'node:fs'
import { Agent } from 'node:http'
import { createConnection } from 'node:net'
import { createRequire } from 'node:module'
import path from 'node:path'

const { REFERENCE_DIR, CORPUS_FILE, SINK_PORT, CONCURRENCY, API_KEY, CONNECTIONS } = process.env
const require = createRequire(path.resolve(REFERENCE_DIR, 'package.json'))
const { Destination } = require('@segment/actions-core')
const iterable = require('@segment/action-destinations/dist/destinations/iterable').default

/** Connects every request, whatever its host, to the sink; HTTP over the plain TCP connection. */
class SinkAgent extends Agent {
  constructor(options) {
    super(options)
    // The requests are for https:// URLs: Node checks that the agent serves that protocol.
    this.protocol = 'https:'
  }
  createConnection() {
    return createConnection({ host: '127.0.0.1', port: Number(SINK_PORT) })
  }
}

/** The keep-alive variant: one agent for all requests, kept when actions-core destroys it. */
class SharedSinkAgent extends SinkAgent {
  constructor() {
    super({ keepAlive: true })
  }
  destroy() {}
}

const shared = CONNECTIONS === 'keep-alive' ? new SharedSinkAgent() : null
// extendRequest runs once per action execution, i.e. once per request here.
const destination = new Destination({
  ...iterable,
  extendRequest: (context) => ({ ...iterable.extendRequest(context), agent: shared ?? new SinkAgent() }),
})

/** The four automatic presets as subscriptions, with batching off: one request per event. */
const subscriptions = iterable.presets
  .filter((preset) => preset.type === 'automatic')
  .map((preset) => ({
    name: preset.name,
    partnerAction: preset.partnerAction,
    subscribe: preset.subscribe,
    mapping: {
      ...preset.mapping,
      ...('enable_batching' in preset.mapping ? { enable_batching: false } : {}),
    },
  }))
if (subscriptions.length !== 4) throw new Error(`expected 4 automatic presets, found ${subscriptions.length}`)
const settings = { apiKey: API_KEY, dataCenterLocation: 'united_states', subscriptions }

const lines = readFileSync(CORPUS_FILE, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')

async function run() {
  /** Events refused (validation, mapping), by error name: the reference sends nothing for them. */
  const failures = {}
  /** Actions executed, one request each. */
  let requests = 0
  let next = 0
  const worker = async () => {
    while (next < lines.length) {
      const event = JSON.parse(lines[next++])
      try {
        const results = await destination.onEvent(event, settings)
        for (const result of results) if (result.output === 'Action Executed') requests++
      } catch (error) {
        const name = error?.name ?? 'Error'
        failures[name] = (failures[name] ?? 0) + 1
      }
      // Destination keeps every response for its tests; the runtime keeps none.
      destination.responses.length = 0
    }
  }
  await Promise.all(Array.from({ length: Number(CONCURRENCY) }, worker))
  process.send({ type: 'done', events: lines.length, requests, failures })
}

process.on('message', (message) => {
  if (message?.type === 'go') {
    run().catch((error) => {
      process.send({ type: 'error', message: String(error?.stack ?? error) })
    })
  }
})
// Stopped by the benchmark or left alone: a normal exit (which also writes a --cpu-prof profile).
process.on('disconnect', () => process.exit(0))
process.on('SIGTERM', () => process.exit(0))
process.send({ type: 'ready' })
