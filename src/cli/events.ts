// `iterable-actions events replay --from TIME`: stored events of a running service are appended to
// its log again as new receipts, routed with today's destinations and mappings (the admin API's POST
// /api/admin/events/replay) — for events kept while a destination had no API key, or after a mapping
// was fixed.
import type { Command } from 'commander'
import { AdminApiError, AdminClient, AdminUsageError, pickByIdOrName, resolveTarget } from './admin-client.js'
import type { AdminTarget, NamedItem } from './admin-client.js'

export interface EventReplayRequest {
  from: string
  to?: string
  /** Source id or name. */
  source?: string
  /** Destination id or name. */
  destination?: string
}

export interface EventReplayResult {
  /** Events appended again (delivery routes and sends them as it reads the log). */
  events: number
}

interface ReplayAnswer extends EventReplayResult {
  next: { afterId: number; lastId: number } | null
  /** Where it stands in the range's event ids (null: none in the range). */
  progress: { firstId: number; lastId: number; throughId: number } | null
}

/** How much of the range is done, 0..1 (by event ids). */
function doneFraction(answer: ReplayAnswer): number {
  const p = answer.progress
  if (p === null || answer.next === null) return 1
  return (p.throughId - p.firstId + 1) / Math.max(1, p.lastId - p.firstId + 1)
}

/**
 * A time flag as the admin API takes it: epoch milliseconds or an ISO date with a time zone. Epoch
 * seconds and zone-less dates are refused here, since the service would read them differently.
 */
export function checkTime(flag: string, value: string): string {
  if (/^\d+$/.test(value)) {
    if (value.length <= 10) {
      throw new AdminUsageError(`${flag} ${value} looks like epoch seconds: give milliseconds or an ISO date`)
    }
    return value
  }
  if (/T\d{2}:\d{2}/.test(value) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
    throw new AdminUsageError(`${flag} ${value} has no time zone: add Z or an offset such as +01:00`)
  }
  if (!Number.isFinite(Date.parse(value))) {
    throw new AdminUsageError(`${flag} ${value} is not a date: give an ISO date or epoch milliseconds`)
  }
  return value
}

/** Follows the service's `next` until the range is done; `progress` after each call. */
export async function replayEvents(
  target: AdminTarget,
  request: EventReplayRequest,
  progress: (soFar: EventReplayResult, fraction: number) => void = () => undefined,
): Promise<EventReplayResult> {
  const client = new AdminClient(target, 120_000)
  const body: Record<string, unknown> = { from: checkTime('--from', request.from) }
  if (request.to !== undefined) body.to = checkTime('--to', request.to)
  else body.to = Date.now() // fixed once, so every call covers the same range
  if (request.source !== undefined) {
    const { items } = await client.call<{ items: NamedItem[] }>('GET', '/api/admin/sources')
    body.source = pickByIdOrName('source', request.source, items)
  }
  if (request.destination !== undefined) {
    const { items } = await client.call<{ items: NamedItem[] }>('GET', '/api/admin/destinations')
    body.destination = pickByIdOrName('destination', request.destination, items)
  }
  const total: EventReplayResult = { events: 0 }
  for (;;) {
    const answer = await client.call<ReplayAnswer>('POST', '/api/admin/events/replay', body)
    total.events += answer.events
    if (answer.next === null) return total
    progress(total, doneFraction(answer))
    body.next = answer.next
  }
}

interface Flags extends Partial<EventReplayRequest> {
  url?: string
  adminToken?: string
  json?: boolean
}

export function registerEvents(program: Command): void {
  const group = program.command('events').description('Stored events of a running service')
  group
    .command('replay')
    .description(
      "Append stored events to the log again as new receipts (today's mappings); Iterable's ids keep it idempotent",
    )
    .requiredOption('--from <time>', 'received since (ISO date or epoch ms)')
    .option('--to <time>', 'received before (default: now)')
    .option('--source <id|name>', 'only events of this source')
    .option('--destination <id|name>', 'only for this destination (default: every destination)')
    .option('--url <url>', 'base URL of the service (env ITERABLE_ACTIONS_URL)')
    .option('--admin-token <token>', 'the admin token (env ADMIN_TOKEN)')
    .option('--json', 'the result as JSON')
    .action(async (flags: Flags) => {
      try {
        const result = await replayEvents(
          resolveTarget(flags),
          flags as EventReplayRequest,
          (soFar, fraction) => {
            if (flags.json !== true) {
              process.stderr.write(
                `replaying: ${soFar.events} events so far (${Math.floor(fraction * 100)} %)…\n`,
              )
            }
          },
        )
        process.stdout.write(
          flags.json === true
            ? `${JSON.stringify(result)}\n`
            : `replayed ${result.events} event${result.events === 1 ? '' : 's'}: appended to the log, delivery sends them in order\n`,
        )
      } catch (error) {
        if (error instanceof AdminApiError || error instanceof AdminUsageError) {
          process.stderr.write(`iterable-actions events replay: ${error.message}\n`)
          process.exitCode = error instanceof AdminApiError ? 1 : 2
          return
        }
        throw error
      }
    })
}
