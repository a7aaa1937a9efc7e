// `iterable-actions users forget|delete|unforget --email E | --user-id U`: the right to be forgotten
// through a running service's admin API (`/api/admin/users/*`). The service drops the user's queued
// items, deletes its own copies of their data and calls Iterable for every enabled destination (or
// the one named); `users audit` lists what was done (salted hashes, no personal data).
import type { Command } from 'commander'
import { AdminApiError, AdminClient, AdminUsageError, pickByIdOrName, resolveTarget } from './admin-client.js'
import type { NamedItem } from './admin-client.js'

interface Flags {
  url?: string
  adminToken?: string
  email?: string
  userId?: string
  destination?: string
  json?: boolean
  limit?: string
}

interface ProjectResult {
  destinationId: string
  destinationName: string
  outcome: string
  status: number | null
  code: string | null
  message: string
}

interface PrivacyResult {
  id: number
  action: string
  subjectHash: string
  outcome: string
  projects: ProjectResult[]
  deleted: Record<string, number> | null
}

const ACTIONS = {
  forget:
    'Forget a user: drop their queued items, delete this service’s copies of their data, keep their later events out, and call Iterable’s users/forget',
  delete:
    'Delete a user: drop their queued items, delete this service’s copies of their data, and delete them at Iterable (later events are let in)',
  unforget:
    'Let a forgotten user’s events in again and call Iterable’s users/unforget (deleted data does not come back)',
} as const

/** Plain-text report of one action: per destination, then what was deleted here. */
export function formatResult(result: PrivacyResult): string {
  const lines = [`${result.action}: ${result.outcome} (audit record ${result.id})`]
  if (result.projects.length === 0) lines.push('  no destination to call (none enabled with an API key)')
  for (const p of result.projects) {
    const status = p.status === null ? '' : ` ${p.status}`
    lines.push(
      `  ${p.destinationName} (${p.destinationId}): ${p.outcome}${status} ${p.code ?? ''} ${p.message}`.trimEnd(),
    )
  }
  if (result.deleted !== null) {
    const d = result.deleted
    lines.push(
      `  deleted here: ${d.events} events, ${d.outcomes} outcomes, ${d.parked} parked items, ${d.deadLetters} dead letters, ${d.attempts} requests`,
    )
  }
  return lines.join('\n')
}

function action(name: string, run: (flags: Flags) => Promise<void>) {
  return async (...input: unknown[]): Promise<void> => {
    const command = input[input.length - 1] as Command
    try {
      await run(command.opts<Flags>())
    } catch (error) {
      if (error instanceof AdminApiError || error instanceof AdminUsageError) {
        process.stderr.write(`iterable-actions users ${name}: ${error.message}\n`)
        process.exitCode = error instanceof AdminApiError ? 1 : 2
        return
      }
      throw error
    }
  }
}

function withTarget(command: Command): Command {
  return command
    .option('--url <url>', 'base URL of the service (env ITERABLE_ACTIONS_URL)')
    .option('--admin-token <token>', 'the admin token (env ADMIN_TOKEN)')
    .option('--json', 'JSON output')
}

export function registerUsers(program: Command): void {
  const group = program
    .command('users')
    .description('The right to be forgotten: forget, delete or unforget a user at Iterable and here')

  for (const verb of ['forget', 'delete', 'unforget'] as const) {
    withTarget(group.command(verb).description(ACTIONS[verb]))
      .option('--email <email>', 'the user’s email')
      .option('--user-id <id>', 'the user’s userId')
      .option(
        '--destination <id|name>',
        'only this destination’s Iterable project (default: every enabled one)',
      )
      .action(
        action(verb, async (flags) => {
          if (flags.email === undefined && flags.userId === undefined)
            throw new AdminUsageError('name the user: --email, --user-id or both')
          const client = new AdminClient(resolveTarget(flags), 120_000)
          let destination: string | undefined
          if (flags.destination !== undefined) {
            const { items } = await client.call<{ items: NamedItem[] }>('GET', '/api/admin/destinations')
            destination = pickByIdOrName('destination', flags.destination, items)
          }
          const result = await client.call<PrivacyResult>('POST', `/api/admin/users/${verb}`, {
            ...(flags.email !== undefined ? { email: flags.email } : {}),
            ...(flags.userId !== undefined ? { userId: flags.userId } : {}),
            ...(destination !== undefined ? { destination } : {}),
          })
          process.stdout.write(
            flags.json === true ? `${JSON.stringify(result)}\n` : `${formatResult(result)}\n`,
          )
          // Iterable refused in some project: the local part is done, but the user should know.
          if (result.outcome !== 'succeeded') process.exitCode = 1
        }),
      )
  }

  withTarget(
    group
      .command('audit')
      .description('The audit of forget, delete and unforget, newest first (no personal data)'),
  )
    .option('--limit <n>', 'show at most this many', '20')
    .action(
      action('audit', async (flags) => {
        const limit = Number(flags.limit)
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw new AdminUsageError(`--limit must be a whole number from 1 to 1000 (got "${flags.limit}")`)
        const { items } = await new AdminClient(resolveTarget(flags)).call<{
          items: { id: number; at: number; action: string; outcome: string; subjectHash: string }[]
        }>('GET', `/api/admin/users/privacy-actions?limit=${limit}`)
        for (const item of items) {
          process.stdout.write(
            flags.json === true
              ? `${JSON.stringify(item)}\n`
              : `${item.id}\t${new Date(item.at).toISOString()}\t${item.action}\t${item.outcome}\t${item.subjectHash.slice(0, 16)}…\n`,
          )
        }
      }),
    )
}
