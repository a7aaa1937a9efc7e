// One round of the reference side: a fresh reference-worker process loads Segment's packages, says
// it is ready, and on "go" runs the corpus through Segment's per-event path into the sink. The clock
// starts at "go" and stops at the last item the sink received; the counters are the worker's own.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { forkNode, nextMessage, stopChild } from '../lib/children.mjs'
import { countersOf } from '../lib/proc.mjs'
import { measured, SETTLE_MS } from './measure.mjs'

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reference-worker.mjs')
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * @param {object} run  {sink, corpusFile, events, referenceDir, apiKey, concurrency, connections
 *   ('per-request' or 'keep-alive'), nodeArgs, timeoutMs, log}
 * @returns the round's measures, plus `requests` (actions executed) and `failures` (events refused, by error)
 */
export async function referenceRound(run) {
  const { child } = forkNode('reference', WORKER, {
    env: {
      REFERENCE_DIR: run.referenceDir,
      CORPUS_FILE: run.corpusFile,
      SINK_PORT: String(run.sink.port),
      CONCURRENCY: String(run.concurrency),
      API_KEY: run.apiKey,
      CONNECTIONS: run.connections,
    },
    nodeArgs: run.nodeArgs,
    log: run.log,
  })
  try {
    await nextMessage(child, 'the reference to load', (m) => m?.type === 'ready', 60_000)
    await run.sink.reset()
    const before = countersOf(child.pid)
    const startedAt = process.hrtime.bigint()
    child.send({ type: 'go' })
    const done = await nextMessage(
      child,
      'the reference to send the corpus',
      (m) => m?.type === 'done' || m?.type === 'error',
      run.timeoutMs,
    )
    if (done.type === 'error') throw new Error(`the reference failed: ${done.message}`)
    // Every request has been answered when the worker reports; the settle time is the serve side's.
    await sleep(SETTLE_MS)
    const after = countersOf(child.pid)
    const sink = await run.sink.stats()
    return {
      ...measured({ events: run.events, startedAt, sink, before, after }),
      requests: done.requests,
      failures: done.failures,
    }
  } finally {
    await stopChild(child)
  }
}
