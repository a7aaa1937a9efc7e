// `iterable-actions events replay --from TIME`: stored events of a running service go through
// today's destinations and mappings again (the admin API's POST /api/admin/events/replay) — for
// events kept while a destination had no API key, or after a mapping was fixed.
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
  events: number
  jobs: number
  failed: number
}

export async function replayEvents(
  target: AdminTarget,
  request: EventReplayRequest,
): Promise<EventReplayResult> {
  const client = new AdminClient(target)
  const body: Record<string, string> = { from: request.from }
  if (request.to !== undefined) body.to = request.to
  if (request.source !== undefined) {
    const { items } = await client.call<{ items: NamedItem[] }>('GET', '/api/admin/sources')
    body.source = pickByIdOrName('source', request.source, items)
  }
  if (request.destination !== undefined) {
    const { items } = await client.call<{ items: NamedItem[] }>('GET', '/api/admin/destinations')
    body.destination = pickByIdOrName('destination', request.destination, items)
  }
  return client.call<EventReplayResult>('POST', '/api/admin/events/replay', body)
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
      "Route stored events again through the current mappings (new jobs); Iterable's ids keep it idempotent",
    )
    .requiredOption('--from <time>', 'received since (ISO date or epoch ms)')
    .option('--to <time>', 'received before (default: now)')
    .option('--source <id|name>', 'only events of this source')
    .option('--destination <id|name>', 'only jobs for this destination (default: every destination)')
    .option('--url <url>', 'base URL of the service (env ITERABLE_ACTIONS_URL)')
    .option('--admin-token <token>', 'the admin token (env ADMIN_TOKEN)')
    .option('--json', 'the result as JSON')
    .action(async (flags: Flags) => {
      try {
        const result = await replayEvents(resolveTarget(flags), flags as EventReplayRequest)
        process.stdout.write(
          flags.json === true
            ? `${JSON.stringify(result)}\n`
            : `replayed ${result.events} event${result.events === 1 ? '' : 's'}: ${result.jobs} job${result.jobs === 1 ? '' : 's'} queued` +
                (result.failed > 0 ? `, ${result.failed} failed routing (see the outcomes)` : '') +
                '\n',
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
