// `iterable-actions dead-letters list|groups|show|replay|discard`: the dead letters of a running
// service, through its admin API (`/api/admin/dead-letters`, the same calls as the web UI). Selections
// go by destination, mapping, time, code, reason and field; destinations and mappings by id or by name.
import type { Command } from 'commander'
import { AdminApiError, AdminClient, AdminUsageError, pickByIdOrName, resolveTarget } from './admin-client.js'
import type { AdminTarget, NamedItem } from './admin-client.js'

const BASE = '/api/admin/dead-letters'
/** The admin API's largest page. */
const PAGE = 1000

/** A dead letter as the admin API lists it. */
export interface DeadLetterItem {
  id: number
  destinationId: string
  mappingId: string | null
  messageId: string
  action: string
  endpoint: string
  reason: string
  code: string
  statusCode: number | null
  attempts: number
  deadAt: number
  replayedAt: number | null
}

/** The selection flags, as given (names not yet resolved to ids). */
export interface DeadLetterSelection {
  destination?: string
  mapping?: string
  from?: string
  to?: string
  code?: string
  reason?: string
  field?: string
  includeReplayed?: boolean
}

/** Alike dead letters with their count, as the admin API groups them. */
export interface DeadLetterGroupItem {
  destination: string
  mapping: string | null
  action: string
  code: string
  reason: string
  field: string | null
  count: number
}

export class DeadLetters {
  readonly #client: AdminClient

  constructor(target: AdminTarget) {
    this.#client = new AdminClient(target)
  }

  /** The admin API's filter: destination and mapping names become ids; the rest passes as given. */
  async filter(selection: DeadLetterSelection): Promise<Record<string, string>> {
    const filter: Record<string, string> = {}
    if (selection.destination !== undefined) {
      const { items } = await this.#client.call<{ items: NamedItem[] }>('GET', '/api/admin/destinations')
      filter.destination = pickByIdOrName('destination', selection.destination, items)
    }
    if (selection.mapping !== undefined) {
      // `from` = now: the listing's outcome counts (a scan of the outcome log) cover nothing.
      const query = new URLSearchParams({ from: String(Date.now()) })
      if (filter.destination !== undefined) query.set('destination', filter.destination)
      const { items } = await this.#client.call<{ items: NamedItem[] }>(
        'GET',
        `/api/admin/mappings?${query.toString()}`,
      )
      filter.mapping = pickByIdOrName('mapping', selection.mapping, items)
    }
    for (const key of ['from', 'to', 'code', 'reason', 'field'] as const) {
      const value = selection[key]
      if (value !== undefined && value !== '') filter[key] = value
    }
    if (selection.includeReplayed === true) filter.includeReplayed = 'true'
    return filter
  }

  /** Up to `limit` dead letters, oldest first (following the pages); `more` when others match. */
  async list(
    selection: DeadLetterSelection,
    limit: number,
  ): Promise<{ items: DeadLetterItem[]; more: boolean }> {
    const filter = await this.filter(selection)
    const items: DeadLetterItem[] = []
    let after: number | null = null
    for (;;) {
      const query = new URLSearchParams(filter)
      query.set('limit', String(Math.min(PAGE, limit - items.length + 1)))
      if (after !== null) query.set('after', String(after))
      const page = await this.#client.call<{ items: DeadLetterItem[]; nextCursor: number | null }>(
        'GET',
        `${BASE}?${query.toString()}`,
      )
      for (const item of page.items) items.push(item)
      if (items.length > limit) return { items: items.slice(0, limit), more: true }
      if (page.nextCursor === null || page.items.length === 0) return { items, more: false }
      after = page.nextCursor
    }
  }

  /** The selected dead letters grouped alike, the largest groups first, and how many match in all. */
  async groups(selection: DeadLetterSelection): Promise<{ items: DeadLetterGroupItem[]; total: number }> {
    const query = new URLSearchParams(await this.filter(selection))
    return this.#client.call('GET', `${BASE}/groups?${query.toString()}`)
  }

  /** One dead letter with its payload and the stored event. */
  async show(id: number): Promise<unknown> {
    return this.#client.call('GET', `${BASE}/${id}`)
  }

  /** Replays or discards dead letters chosen by ids, by a selection, or all of them. */
  async act(
    action: 'replay' | 'discard',
    choice: { ids: number[] } | { selection: DeadLetterSelection } | { all: true; includeReplayed?: boolean },
  ): Promise<number> {
    const body =
      'ids' in choice
        ? { ids: choice.ids }
        : 'all' in choice
          ? { all: true, ...(choice.includeReplayed === true ? { includeReplayed: true } : {}) }
          : { filter: await this.filter(choice.selection) }
    const answer = await this.#client.call<{ replayed?: number; discarded?: number }>(
      'POST',
      `${BASE}/${action}`,
      body,
    )
    return (action === 'replay' ? answer.replayed : answer.discarded) ?? 0
  }
}

/** `1,2, 3` → [1, 2, 3]; anything else is a usage error naming the bad part. */
export function parseIds(text: string): number[] {
  const ids = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
  if (ids.length === 0) throw new AdminUsageError('--ids needs at least one dead letter id')
  return ids.map((part) => {
    if (!/^[1-9]\d{0,14}$/.test(part)) throw new AdminUsageError(`--ids: "${part}" is not a dead letter id`)
    return Number(part)
  })
}

const clip = (text: string, width: number): string =>
  text.length <= width ? text : `${text.slice(0, width - 1)}…`

/** Rows under a header row, columns padded to their widest cell (the last one is not). */
function formatTable(rows: readonly string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)))
  return rows
    .map((row) =>
      row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  '),
    )
    .join('\n')
}

/** One line per dead letter under a header. */
export function formatDeadLetters(items: readonly DeadLetterItem[]): string {
  const rows = [
    ['ID', 'DEAD AT', 'ACTION', 'MESSAGE ID', 'CODE', 'REASON'],
    ...items.map((item) => [
      String(item.id) + (item.replayedAt === null ? '' : ' (replayed)'),
      new Date(item.deadAt).toISOString(),
      item.action,
      clip(item.messageId, 40),
      item.code,
      clip(item.reason.replace(/\s+/g, ' '), 80),
    ]),
  ]
  return formatTable(rows)
}

/** One line per group: count, code, field, mapping id and reason. */
export function formatGroups(items: readonly DeadLetterGroupItem[]): string {
  const rows = [
    ['COUNT', 'CODE', 'FIELD', 'MAPPING', 'REASON'],
    ...items.map((g) => [
      String(g.count),
      g.code,
      g.field ?? '-',
      g.mapping ?? '-',
      clip(g.reason.replace(/\s+/g, ' '), 80),
    ]),
  ]
  return formatTable(rows)
}

interface Flags extends DeadLetterSelection {
  url?: string
  adminToken?: string
  json?: boolean
  limit?: string
  ids?: string
  all?: boolean
}

/** The selection flags of list, replay and discard. */
function withSelection(command: Command): Command {
  return command
    .option('--destination <id|name>', 'only this destination')
    .option('--mapping <id|name>', 'only this mapping')
    .option('--from <time>', 'dead since (ISO date or epoch ms)')
    .option('--to <time>', 'dead before (ISO date or epoch ms)')
    .option('--code <code>', 'only this failure code (e.g. HTTP_503, RequestFieldsTypesMismatched)')
    .option('--reason <text>', 'only reasons containing this text')
    .option('--field <name>', 'only those whose cause is this field (a field type Iterable refused)')
    .option('--include-replayed', 'include dead letters already replayed')
}

function withTarget(command: Command): Command {
  return command
    .option('--url <url>', 'base URL of the service (env ITERABLE_ACTIONS_URL)')
    .option('--admin-token <token>', 'the admin token (env ADMIN_TOKEN)')
    .option('--json', 'JSON output (list: one dead letter per line)')
}

const hasSelection = (flags: Flags): boolean =>
  ['destination', 'mapping', 'from', 'to', 'code', 'reason', 'field'].some(
    (key) => flags[key as keyof Flags] !== undefined,
  )

/** Runs a subcommand: admin errors exit 1, usage errors 2, each with one line on stderr. */
function action(name: string, run: (flags: Flags, args: string[]) => Promise<void>) {
  return async (...input: unknown[]): Promise<void> => {
    const command = input[input.length - 1] as Command
    try {
      await run(command.opts<Flags>(), command.args)
    } catch (error) {
      if (error instanceof AdminApiError || error instanceof AdminUsageError) {
        process.stderr.write(`iterable-actions dead-letters ${name}: ${error.message}\n`)
        process.exitCode = error instanceof AdminApiError ? 1 : 2
        return
      }
      throw error
    }
  }
}

export function registerDeadLetters(program: Command): void {
  const group = program
    .command('dead-letters')
    .description('List, inspect, replay or discard the dead letters of a running service')

  withSelection(withTarget(group.command('list').description('List dead letters, oldest first')))
    .option('--limit <n>', 'show at most this many', '100')
    .action(
      action('list', async (flags) => {
        const limit = Number(flags.limit)
        if (!Number.isInteger(limit) || limit < 1) {
          throw new AdminUsageError(`--limit must be a whole number of at least 1 (got "${flags.limit}")`)
        }
        const { items, more } = await new DeadLetters(resolveTarget(flags)).list(flags, limit)
        if (flags.json === true) {
          for (const item of items) process.stdout.write(`${JSON.stringify(item)}\n`)
        } else if (items.length > 0) {
          process.stdout.write(`${formatDeadLetters(items)}\n`)
        }
        const count = `${items.length} dead letter${items.length === 1 ? '' : 's'}`
        process.stderr.write(more ? `${count} shown; more match (raise --limit)\n` : `${count}\n`)
      }),
    )

  withSelection(
    withTarget(group.command('groups').description('Dead letters grouped by cause, with counts')),
  ).action(
    action('groups', async (flags) => {
      const { items, total } = await new DeadLetters(resolveTarget(flags)).groups(flags)
      if (flags.json === true) {
        for (const item of items) process.stdout.write(`${JSON.stringify(item)}\n`)
      } else if (items.length > 0) {
        process.stdout.write(`${formatGroups(items)}\n`)
      }
      process.stderr.write(
        `${total} dead letter${total === 1 ? '' : 's'} in ${items.length} group${items.length === 1 ? '' : 's'}\n`,
      )
    }),
  )

  withTarget(group.command('show').description('One dead letter: why it failed, its payload, the event'))
    .argument('<id>', 'dead letter id')
    .action(
      action('show', async (flags, args) => {
        const ids = parseIds(args[0] ?? '')
        if (ids.length !== 1) throw new AdminUsageError('show takes one dead letter id')
        const [id] = ids
        const letter = await new DeadLetters(resolveTarget(flags)).show(id)
        process.stdout.write(`${JSON.stringify(letter, null, flags.json === true ? undefined : 2)}\n`)
      }),
    )

  for (const verb of ['replay', 'discard'] as const) {
    const description =
      verb === 'replay'
        ? 'Send dead letters again (new jobs; the dead letters are marked replayed)'
        : 'Delete dead letters for good'
    withSelection(withTarget(group.command(verb).description(description)))
      .option('--ids <list>', 'these dead letters (comma-separated ids)')
      .option('--all', 'every dead letter')
      .action(
        action(verb, async (flags) => {
          const chosen = [flags.ids !== undefined, hasSelection(flags), flags.all === true].filter(Boolean)
          if (chosen.length !== 1) {
            throw new AdminUsageError(
              chosen.length === 0
                ? 'say which dead letters: --ids, a selection (--destination, --mapping, --from, --to, --code, --reason, --field), or --all'
                : 'give one of --ids, a selection, or --all, not several',
            )
          }
          const choice =
            flags.ids !== undefined
              ? { ids: parseIds(flags.ids) }
              : flags.all === true
                ? { all: true as const, includeReplayed: flags.includeReplayed }
                : { selection: flags }
          const count = await new DeadLetters(resolveTarget(flags)).act(verb, choice)
          const past = verb === 'replay' ? 'replayed' : 'discarded'
          process.stdout.write(
            flags.json === true
              ? `${JSON.stringify({ [past]: count })}\n`
              : `${past} ${count} dead letter${count === 1 ? '' : 's'}\n`,
          )
        }),
      )
  }
}
