// `iterable-actions dead-letters` (the built CLI, spawned) against the service's real admin API
// (createServer over a SQLite store) on a real socket: list with selections, show, replay, discard,
// usage errors, a wrong token; the token never appears in what the command prints.
import { addDeadLetters } from '../helpers/dead-letters.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pickByIdOrName } from '../../src/cli/admin-client.js'
import { parseIds, formatDeadLetters } from '../../src/cli/dead-letters.js'
import type { Store } from '../../src/store/index.js'
import { runCli, type CliRun } from '../helpers/cli.js'
import { startAdminServer, type AdminServer } from './admin-server.js'

const TOKEN = 'admin-token-dead-letters-0123'

let server: AdminServer
let store: Store
let url: string
let destinationId: string
let mappingId: string

const cli = (...args: string[]): Promise<CliRun> =>
  runCli(['dead-letters', ...args], { ITERABLE_ACTIONS_URL: url, ADMIN_TOKEN: TOKEN })

/** One dead letter per entry, with its code and reason. */
async function deadLetters(
  entries: { messageId: string; code: string; reason: string; field?: string }[],
): Promise<void> {
  await addDeadLetters(
    store,
    destinationId,
    entries.map((e) => ({ ...e, mappingId })),
  )
}

beforeAll(async () => {
  server = await startAdminServer(TOKEN, 'dead-letters-cli-')
  ;({ store, url } = server)
  const destination = await store.createDestination({
    name: 'iterable-prod',
    kind: 'iterable',
    settings: { dataCenterLocation: 'united_states' },
    apiKey: null,
  })
  destinationId = destination.id
  const mapping = await store.createMapping({
    destinationId,
    name: 'Track Calls',
    trigger: 'type = "track"',
    action: 'trackEvent',
    fields: {},
    batching: null,
    enabled: true,
  })
  mappingId = mapping.id
  await deadLetters([
    {
      messageId: 'm-1',
      code: 'RequestFieldsTypesMismatched',
      reason: 'plan must be a string',
      field: 'plan',
    },
    { messageId: 'm-2', code: 'invalidEmails', reason: 'invalid email "x@"' },
    { messageId: 'm-3', code: 'invalidEmails', reason: 'invalid email "y@"' },
  ])
})

afterAll(async () => {
  await server?.close()
})

describe('iterable-actions dead-letters', () => {
  it('lists every dead letter, oldest first, as a table', async () => {
    const run = await cli('list')
    expect(run.code).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^ID\s+DEAD AT\s+ACTION\s+MESSAGE ID\s+CODE\s+REASON$/)
    expect(lines.slice(1).map((line) => line.split(/\s+/)[3])).toEqual(['m-1', 'm-2', 'm-3'])
    expect(run.stderr).toBe('3 dead letters\n')
  })

  it('selects by code, by reason text, by destination and mapping name, and by time', async () => {
    const byCode = await cli('list', '--code', 'invalidEmails', '--json')
    expect(
      byCode.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { messageId: string }).messageId),
    ).toEqual(['m-2', 'm-3'])
    const byReason = await cli('list', '--reason', 'must be a string', '--json')
    expect(byReason.stdout.trim().split('\n')).toHaveLength(1)
    const byNames = await cli('list', '--destination', 'iterable-prod', '--mapping', 'Track Calls')
    expect(byNames.stderr).toBe('3 dead letters\n')
    const future = await cli('list', '--from', new Date(Date.now() + 60_000).toISOString())
    expect({ code: future.code, stdout: future.stdout, stderr: future.stderr }).toEqual({
      code: 0,
      stdout: '',
      stderr: '0 dead letters\n',
    })
  })

  it('stops at --limit and says that more match', async () => {
    const run = await cli('list', '--limit', '2', '--json')
    expect(run.stdout.trim().split('\n')).toHaveLength(2)
    expect(run.stderr).toBe('2 dead letters shown; more match (raise --limit)\n')
  })

  it('shows one dead letter with its payload, in the same JSON shape as list --json', async () => {
    const [first] = (await cli('list', '--json')).stdout.trim().split('\n')
    const listed = JSON.parse(first) as { id: number; payload: unknown }
    const payload = { path: '/api/events/track', body: { eventName: 'Viewed', id: 'm-1' } }
    // An object, not an escaped JSON string.
    expect(listed.payload).toEqual(payload)
    const run = await cli('show', String(listed.id))
    expect(run.code).toBe(0)
    const shown = JSON.parse(run.stdout) as Record<string, unknown>
    expect(shown).toMatchObject({
      id: listed.id,
      messageId: 'm-1',
      code: 'RequestFieldsTypesMismatched',
      payload,
    })
    const { event: _event, ...rest } = shown
    expect(rest).toEqual(listed)
  })

  it('groups dead letters by cause with counts, and selects by the field Iterable named', async () => {
    const run = await cli('groups')
    expect(run.code).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines[0].split(/\s+/)).toEqual(['COUNT', 'CODE', 'FIELD', 'MAPPING', 'REASON'])
    // Same mapping and code, two reasons: three groups of one.
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(0, 3))).toEqual([
      ['1', 'RequestFieldsTypesMismatched', 'plan'],
      ['1', 'invalidEmails', '-'],
      ['1', 'invalidEmails', '-'],
    ])
    expect(run.stderr).toBe('3 dead letters in 3 groups\n')
    const json = await cli('groups', '--code', 'invalidEmails', '--json')
    expect(
      json.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      expect.objectContaining({ code: 'invalidEmails', mapping: mappingId, field: null, count: 1 }),
      expect.objectContaining({ code: 'invalidEmails', mapping: mappingId, field: null, count: 1 }),
    ])
    const byField = await cli('list', '--field', 'plan', '--json')
    expect(
      byField.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { messageId: string }).messageId),
    ).toEqual(['m-1'])
  })

  it('refuses a replay that does not say which dead letters, or says it twice', async () => {
    const none = await cli('replay')
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/say which dead letters: --ids, a selection .*, or --all/)
    const twice = await cli('replay', '--all', '--code', 'invalidEmails')
    expect(twice.code).toBe(2)
    expect(twice.stderr).toMatch(/not several/)
    const badIds = await cli('replay', '--ids', '1,x')
    expect(badIds.code).toBe(2)
    expect(badIds.stderr).toMatch(/--ids: "x" is not a dead letter id/)
    const unknown = await cli('list', '--destination', 'nope')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/no destination has the id or name "nope"/)
  })

  it('replays a selection: parked again, and the dead letters are marked replayed', async () => {
    const run = await cli('replay', '--code', 'RequestFieldsTypesMismatched')
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: 'replayed 1 dead letter\n' })
    const [stats] = await store.deliveryStats()
    expect(stats.lanes.map((l) => l.retrying)).toEqual([1])
    expect((await cli('list')).stderr).toBe('2 dead letters\n')
    const all = await cli('list', '--include-replayed')
    expect(all.stdout).toMatch(/^\d+ \(replayed\)\s.*m-1/m)
  })

  it('discards dead letters by id', async () => {
    const ids = (await cli('list', '--code', 'invalidEmails', '--json')).stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: number }).id)
    const run = await cli('discard', '--ids', ids.join(','), '--json')
    expect(JSON.parse(run.stdout)).toEqual({ discarded: 2 })
    expect((await cli('list')).stderr).toBe('0 dead letters\n')
  })

  it('a wrong admin token is an error that does not print the token', async () => {
    const run = await cli('list', '--admin-token', 'wrong-token-4567')
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/HTTP 401.*check --admin-token/)
    expect(run.stdout + run.stderr).not.toContain('wrong-token-4567')
    expect(run.stdout + run.stderr).not.toContain(TOKEN)
  })
})

describe('dead-letters helpers', () => {
  it('parses id lists', () => {
    expect(parseIds('3, 1,2')).toEqual([3, 1, 2])
    expect(() => parseIds(' , ')).toThrow('--ids needs at least one dead letter id')
    expect(() => parseIds('0')).toThrow('"0" is not a dead letter id')
    expect(() => parseIds('12345678901234567890')).toThrow('is not a dead letter id')
  })

  it("refuses a name that is also another item's id", () => {
    const items = [
      { id: 'prod', name: 'staging' },
      { id: 'd-2', name: 'prod' },
    ]
    expect(pickByIdOrName('destination', 'staging', items)).toBe('prod')
    expect(() => pickByIdOrName('destination', 'prod', items)).toThrow(
      'the id of one destination and the name of another',
    )
    expect(pickByIdOrName('destination', 'd-2', items)).toBe('d-2')
  })

  it('clips long message ids and reasons in the table', () => {
    const table = formatDeadLetters([
      {
        id: 7,
        destinationId: 'd',
        mappingId: null,
        messageId: 'x'.repeat(60),
        action: 'trackEvent',
        endpoint: 'events/trackBulk',
        reason: 'why '.repeat(40),
        code: 'HTTP_400',
        statusCode: 400,
        attempts: 1,
        deadAt: 0,
        replayedAt: null,
      },
    ])
    const row = table.split('\n')[1]
    expect(row).toContain(`${'x'.repeat(39)}…`)
    expect(row).toContain('1970-01-01T00:00:00.000Z')
    expect(row.endsWith('…')).toBe(true)
  })
})
