// `send --wait`: after the upload, follow the service's Prometheus counters (`GET /metrics`, no
// token needed) until its delivery queues are empty, then report what happened meanwhile. The
// counters are service-wide: other traffic during the run is counted too.
import { request } from 'undici'

const SERIES = {
  routed: 'iterable_actions_jobs_routed_total',
  delivered: 'iterable_actions_jobs_delivered_total',
  failed: 'iterable_actions_events_failed_total',
  retried: 'iterable_actions_jobs_retried_total',
  deadLettered: 'iterable_actions_jobs_dead_lettered_total',
  queueDepth: 'iterable_actions_queue_depth',
} as const

export type DeliveryCounters = Record<keyof typeof SERIES, number>

export interface WaitResult {
  /** Counter increases between the two snapshots (queueDepth: what is left). */
  counters: DeliveryCounters
  drained: boolean
  waitedMs: number
}

/** Sums each metric over its labels; undefined when the service has no usable /metrics. */
export async function readCounters(url: string): Promise<DeliveryCounters | undefined> {
  let text: string
  try {
    const response = await request(new URL('/metrics', url), { headersTimeout: 10_000, bodyTimeout: 10_000 })
    text = await response.body.text()
    if (response.statusCode !== 200) return undefined
  } catch {
    return undefined
  }
  const sums = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.charCodeAt(0) === 35 /* # */) continue
    const space = line.lastIndexOf(' ')
    const brace = line.indexOf('{')
    const name = line.slice(0, brace >= 0 && brace < space ? brace : space)
    const value = Number(line.slice(space + 1))
    if (Number.isFinite(value)) sums.set(name, (sums.get(name) ?? 0) + value)
  }
  // A fresh service declares its series before it has any sample.
  if (!text.includes(`# TYPE ${SERIES.queueDepth} `)) return undefined
  const out = {} as DeliveryCounters
  for (const [key, name] of Object.entries(SERIES) as [keyof typeof SERIES, string][])
    out[key] = sums.get(name) ?? 0
  return out
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls until the queues are empty (twice in a row) or the timeout passes. */
export async function waitForDelivery(
  url: string,
  before: DeliveryCounters,
  options: { timeoutMs: number; pollMs?: number; onPoll?: (now: DeliveryCounters) => void },
): Promise<WaitResult> {
  const started = Date.now()
  const pollMs = options.pollMs ?? 500
  let emptyInARow = 0
  let last = before
  while (Date.now() - started < options.timeoutMs) {
    const now = await readCounters(url)
    if (now !== undefined) {
      last = now
      options.onPoll?.(now)
      emptyInARow = now.queueDepth === 0 ? emptyInARow + 1 : 0
      if (emptyInARow >= 2) break
    }
    await sleep(pollMs)
  }
  const counters = {} as DeliveryCounters
  for (const key of Object.keys(SERIES) as (keyof typeof SERIES)[]) {
    counters[key] = key === 'queueDepth' ? last.queueDepth : Math.max(0, last[key] - before[key])
  }
  return { counters, drained: emptyInARow >= 2, waitedMs: Date.now() - started }
}

export function formatWait(result: WaitResult): string {
  const c = result.counters
  let out = result.drained
    ? `\ndelivery (service-wide, ${(result.waitedMs / 1000).toFixed(1)} s after the upload): queues empty\n`
    : `\ndelivery: NOT DRAINED after ${(result.waitedMs / 1000).toFixed(0)} s, ${c.queueDepth} jobs still queued\n`
  out += `  jobs routed     ${c.routed}\n`
  out += `  delivered       ${c.delivered}\n`
  out += `  failed (mapping validation) ${c.failed}\n`
  out += `  retried         ${c.retried}\n`
  out += `  dead-lettered   ${c.deadLettered}\n`
  return out
}
