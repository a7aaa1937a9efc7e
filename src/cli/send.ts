// `iterable-actions send FILE.ndjson --url URL --write-key KEY`: posts a file of Segment events to
// a running service over the ingest API (`/v1/batch`), for backfills. Requests respect Segment's
// limits (events per request, 500 KB per request, 32 KB per event), run a few at a time, and
// transient failures are retried. Ends with a summary; the exit code says whether every event got in.
import { existsSync, statSync } from 'node:fs'
import type { Writable } from 'node:stream'
import { InvalidArgumentError } from 'commander'
import type { Command } from 'commander'
import { countLines, MAX_EVENT_BYTES, MAX_REQUEST_BYTES, readBatches } from './send-batches.js'
import type { EventBatch, SkippedLine } from './send-batches.js'
import { DEFAULT_CLIENT_OPTIONS, SendClient } from './send-client.js'
import type { SendClientOptions } from './send-client.js'
import { createProgress } from './send-progress.js'
import { formatWait, readCounters, waitForDelivery } from './send-wait.js'

export interface SendOptions {
  file: string
  url: string
  writeKey: string
  batchSize?: number
  concurrency?: number
  retries?: number
  backoffMs?: number
  maxBackoffMs?: number
  timeoutMs?: number
  maxRequestBytes?: number
  maxEventBytes?: number
  /** No progress display. */
  quiet?: boolean
}

export interface RejectedEvent {
  line: number
  messageId: string | null
  error: string
}

export interface FailedRequest {
  /** File lines of the events in the request. */
  firstLine: number
  lastLine: number
  events: number
  status: number | undefined
  message: string
}

export interface SendSummary {
  /** Non-blank lines in the file. */
  lines: number
  /** Requests answered by the service. */
  requests: number
  /** Events in answered requests. */
  sent: number
  accepted: number
  /** Rejected events as the service listed them (it lists at most 100 per request). */
  rejected: RejectedEvent[]
  /** Events the service rejected in all. */
  rejectedCount: number
  /** Lines not sent because they are not valid events (bad JSON, not an object, too large). */
  skipped: SkippedLine[]
  /** Duplicates the service reported; undefined when it does not report them. */
  duplicates: number | undefined
  failedRequests: FailedRequest[]
  /** Valid events that did not reach the service (failed requests, or never sent after a fatal error). */
  notDelivered: number
  retries: number
  /** Why sending stopped early (for instance an invalid write key). */
  stoppedBecause: string | undefined
  durationMs: number
  latencyMs: { p50: number; p99: number } | undefined
}

/** Exit codes: everything accepted; some events did not reach the service; some were invalid. */
export const EXIT_OK = 0
export const EXIT_NOT_DELIVERED = 1
export const EXIT_USAGE = 2
export const EXIT_INVALID_EVENTS = 3
/** `--wait`: the service's queues were not empty before the wait timeout. */
export const EXIT_NOT_DRAINED = 4

export function exitCodeOf(summary: SendSummary): number {
  if (summary.notDelivered > 0 || summary.stoppedBecause !== undefined) return EXIT_NOT_DELIVERED
  if (summary.rejectedCount > 0 || summary.skipped.length > 0) return EXIT_INVALID_EVENTS
  return EXIT_OK
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

export async function runSend(
  options: SendOptions,
  output: Writable & { isTTY?: boolean } = process.stdout,
): Promise<SendSummary> {
  const started = performance.now()
  const concurrency = options.concurrency ?? 4
  const clientOptions: SendClientOptions = {
    url: options.url,
    writeKey: options.writeKey,
    connections: concurrency,
    retries: options.retries ?? DEFAULT_CLIENT_OPTIONS.retries,
    backoffMs: options.backoffMs ?? DEFAULT_CLIENT_OPTIONS.backoffMs,
    maxBackoffMs: options.maxBackoffMs ?? DEFAULT_CLIENT_OPTIONS.maxBackoffMs,
    timeoutMs: options.timeoutMs ?? DEFAULT_CLIENT_OPTIONS.timeoutMs,
  }
  const summary: SendSummary = {
    lines: await countLines(options.file),
    requests: 0,
    sent: 0,
    accepted: 0,
    rejected: [],
    rejectedCount: 0,
    skipped: [],
    duplicates: undefined,
    failedRequests: [],
    notDelivered: 0,
    retries: 0,
    stoppedBecause: undefined,
    durationMs: 0,
    latencyMs: undefined,
  }
  const latencies: number[] = []
  let validEvents = 0
  let done = 0
  let failedEvents = 0
  const progress = createProgress(output, summary.lines, options.quiet === true)
  const tick = (): void => progress.update(done, summary.accepted, failedEvents)

  const batches = readBatches(
    options.file,
    {
      batchSize: options.batchSize ?? 100,
      maxRequestBytes: options.maxRequestBytes ?? MAX_REQUEST_BYTES,
      maxEventBytes: options.maxEventBytes ?? MAX_EVENT_BYTES,
    },
    {
      onSkip(skipped) {
        summary.skipped.push(skipped)
        done++
        tick()
      },
    },
  )
  const client = new SendClient(clientOptions)

  const handle = async (batch: EventBatch): Promise<void> => {
    const count = batch.lines.length
    const outcome = await client.post(batch.body, () => summary.retries++)
    if (outcome.kind === 'accepted') {
      summary.requests++
      summary.sent += count
      summary.accepted += count - outcome.rejectedCount
      summary.rejectedCount += outcome.rejectedCount
      for (const r of outcome.rejected) {
        summary.rejected.push({ line: batch.lines[r.index] ?? -1, messageId: r.messageId, error: r.error })
      }
      if (outcome.duplicates !== undefined)
        summary.duplicates = (summary.duplicates ?? 0) + outcome.duplicates
      latencies.push(outcome.latencyMs)
    } else {
      failedEvents += count
      summary.failedRequests.push({
        firstLine: batch.lines[0],
        lastLine: batch.lines[count - 1],
        events: count,
        status: outcome.status,
        message: outcome.message,
      })
      if (outcome.fatal && summary.stoppedBecause === undefined) summary.stoppedBecause = outcome.message
    }
    done += count
    tick()
  }

  // Workers pull from the one generator (an async generator queues concurrent next() calls).
  const worker = async (): Promise<void> => {
    while (summary.stoppedBecause === undefined) {
      const next = await batches.next()
      if (next.done === true) return
      validEvents += next.value.lines.length
      await handle(next.value)
    }
  }
  try {
    await Promise.all(Array.from({ length: concurrency }, worker))
  } finally {
    await batches.return(undefined)
    await client.close()
    progress.stop()
  }
  // After a fatal error the rest of the file was not read: count its lines as not delivered.
  const unread = summary.lines - done
  summary.notDelivered = validEvents - summary.sent + Math.max(0, unread)
  summary.durationMs = performance.now() - started
  latencies.sort((a, b) => a - b)
  if (latencies.length > 0)
    summary.latencyMs = { p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
  return summary
}

const LIST_LIMIT = 20

/** The first items, then how many more there are (of `total`, when more exist than were listed). */
function listLines<T>(items: T[], render: (item: T) => string, total = items.length): string {
  const shown = items.slice(0, LIST_LIMIT).map((item) => `    ${render(item)}\n`)
  if (total > shown.length) shown.push(`    … and ${total - shown.length} more\n`)
  return shown.join('')
}

export function formatSummary(summary: SendSummary): string {
  const seconds = summary.durationMs / 1000
  const rate = seconds > 0 ? Math.round(summary.accepted / seconds) : 0
  let out = `\nsent ${summary.sent} events in ${summary.requests} requests in ${seconds.toFixed(1)} s (${rate} events/s accepted)\n`
  out += `  lines         ${summary.lines}\n`
  out += `  accepted      ${summary.accepted}\n`
  out += `  rejected      ${summary.rejectedCount}${summary.rejectedCount > 0 ? ' (by the service)' : ''}\n`
  out += listLines(
    summary.rejected,
    (r) => `line ${r.line}${r.messageId ? ` (${r.messageId})` : ''}: ${r.error}`,
    summary.rejectedCount,
  )
  out += `  invalid lines ${summary.skipped.length}${summary.skipped.length > 0 ? ' (not sent)' : ''}\n`
  out += listLines(summary.skipped, (s) => `line ${s.line}: ${s.message}`)
  out += `  duplicates    ${summary.duplicates === undefined ? 'not reported by the service' : summary.duplicates}\n`
  out += `  retries       ${summary.retries}\n`
  out += `  failed requests ${summary.failedRequests.length}\n`
  out += listLines(
    summary.failedRequests,
    (f) => `lines ${f.firstLine}-${f.lastLine} (${f.events} events): ${f.message}`,
  )
  if (summary.latencyMs !== undefined) {
    out += `  latency       p50 ${summary.latencyMs.p50.toFixed(1)} ms, p99 ${summary.latencyMs.p99.toFixed(1)} ms\n`
  }
  if (summary.stoppedBecause !== undefined) out += `stopped early: ${summary.stoppedBecause}\n`
  if (summary.notDelivered > 0) out += `NOT DELIVERED to the service: ${summary.notDelivered} events\n`
  return out
}

const positiveInt =
  (name: string, max: number) =>
  (value: string): number => {
    const n = Number(value)
    if (!/^\d+$/.test(value.trim()) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer from 1 to ${max} (got "${value}")`)
    }
    return n
  }

interface SendFlags {
  url?: string
  writeKey?: string
  batchSize: number
  concurrency: number
  retries: number
  json?: boolean
  quiet?: boolean
  wait?: boolean
  waitTimeout: number
}

export function registerSend(program: Command): void {
  program
    .command('send')
    .description(
      'Post a file of Segment events (NDJSON, one event a line) to a running service, for backfills',
    )
    .argument('<file>', 'NDJSON file of Segment events')
    .option('--url <url>', 'base URL of the service (env ITERABLE_ACTIONS_URL)')
    .option('--write-key <key>', "the source's write key (env ITERABLE_ACTIONS_WRITE_KEY)")
    .option(
      '--batch-size <n>',
      'events per request (also capped at 500 KB per request)',
      positiveInt('--batch-size', 10_000),
      100,
    )
    .option('--concurrency <n>', 'requests in flight at once', positiveInt('--concurrency', 64), 4)
    .option(
      '--retries <n>',
      'retries of a request on network errors, 5xx and 429',
      positiveInt('--retries', 100),
      6,
    )
    .option('--wait', "then follow the service's /metrics until its delivery queues are empty")
    .option('--wait-timeout <s>', 'longest --wait, in seconds', positiveInt('--wait-timeout', 86_400), 600)
    .option('--json', 'print the summary as one JSON object')
    .option('-q, --quiet', 'no progress display')
    .action(async (file: string, flags: SendFlags, command: Command) => {
      const url = flags.url ?? process.env.ITERABLE_ACTIONS_URL
      const writeKey = flags.writeKey ?? process.env.ITERABLE_ACTIONS_WRITE_KEY
      if (url === undefined || url === '') {
        command.error('error: --url is required (or set ITERABLE_ACTIONS_URL)', { exitCode: EXIT_USAGE })
        return
      }
      if (writeKey === undefined || writeKey === '') {
        command.error('error: --write-key is required (or set ITERABLE_ACTIONS_WRITE_KEY)', {
          exitCode: EXIT_USAGE,
        })
        return
      }
      try {
        new URL(url)
      } catch {
        command.error(`error: --url is not a URL: "${url}"`, { exitCode: EXIT_USAGE })
        return
      }
      if (!existsSync(file) || !statSync(file).isFile()) {
        command.error(`error: cannot read ${file}: no such file`, { exitCode: EXIT_USAGE })
        return
      }
      const before = flags.wait === true ? await readCounters(url) : undefined
      if (flags.wait === true && before === undefined) {
        process.stderr.write('--wait: the service answers no usable /metrics; not waiting for delivery\n')
      }
      const summary = await runSend(
        {
          file,
          url,
          writeKey,
          batchSize: flags.batchSize,
          concurrency: flags.concurrency,
          retries: flags.retries,
          quiet: flags.quiet === true || flags.json === true,
        },
        flags.json === true ? process.stderr : process.stdout,
      )
      let exitCode = exitCodeOf(summary)
      const waited =
        before === undefined || exitCode === EXIT_NOT_DELIVERED
          ? undefined
          : await waitForDelivery(url, before, { timeoutMs: flags.waitTimeout * 1000 })
      if (waited !== undefined && !waited.drained) exitCode = EXIT_NOT_DRAINED
      if (flags.json === true) {
        process.stdout.write(
          JSON.stringify(waited === undefined ? summary : { ...summary, delivery: waited }) + '\n',
        )
      } else {
        process.stdout.write(formatSummary(summary))
        if (waited !== undefined) process.stdout.write(formatWait(waited))
      }
      process.exitCode = exitCode
    })
}
