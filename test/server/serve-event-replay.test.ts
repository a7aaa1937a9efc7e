// Replay of stored events, the user story end to end: events accepted while the default destination
// had no API key are kept; after a restart with the built-in sandbox, `iterable-actions events
// replay` (the built CLI, spawned) routes them through the current mappings and they arrive.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { waitFor } from '../delivery/harness.js'
import { runCli, type CliRun } from '../helpers/cli.js'

const TOKEN = 'admin-token-replay-0123'

let service: RunningService | undefined
let dir: string | undefined
afterEach(async () => {
  await service?.close(2000)
  service = undefined
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const replay = (url: string, ...args: string[]): Promise<CliRun> =>
  runCli(['events', 'replay', '--url', url, ...args], { ADMIN_TOKEN: TOKEN })

describe('events replay', () => {
  it('delivers events kept while the destination had no API key, once a target is set', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ia-replay-'))
    const common = { port: 0, host: '127.0.0.1', dataDir: dir, adminToken: TOKEN, writeKey: 'wk-replay' }
    const quiet = pino({ level: 'silent' })

    // 1. No key, no sandbox: accepted and kept, sent nowhere.
    service = await startService({ ...common, logger: quiet })
    expect(service.mode).toBe('disabled')
    const from = Date.now()
    const basic = 'Basic ' + Buffer.from('wk-replay:').toString('base64')
    const response = await service.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basic, 'content-type': 'application/json' },
      payload: {
        batch: [
          {
            type: 'identify',
            userId: 'kept-1',
            traits: { email: 'kept-1@example.com' },
            messageId: 'kept-identify',
          },
          { type: 'track', userId: 'kept-1', event: 'Signed Up', messageId: 'kept-track-1' },
          { type: 'track', userId: 'kept-1', event: 'Upgraded', messageId: 'kept-track-2' },
        ],
      },
    })
    expect(response.statusCode).toBe(200)
    // Nobody delivers: the events wait behind the destination's cursor.
    expect((await service.store.deliveryStats())[0].owner).toBeNull()
    // Replaying now would send nothing: refused, not "0 events".
    const nowhere = await replay(service.url, '--from', String(from))
    expect(nowhere.code).toBe(1)
    expect(nowhere.stderr).toMatch(/HTTP 409: No destination would receive anything/)
    await service.close(2000)

    // 2. With the sandbox: the kept events are not sent by themselves.
    service = await startService({
      ...common,
      sandbox: true,
      logger: quiet,
      delivery: { pollMs: 50, lingerMs: 50 },
    })
    expect(service.mode).toBe('sandbox')
    const project = service.sandbox!.state.project()
    expect(project.findByUserId('kept-1')).toBeUndefined()

    // 3. Replay: bad requests first, then the real one.
    const backwards = await replay(service.url, '--from', String(from), '--to', String(from - 1))
    expect(backwards.code).toBe(1)
    expect(backwards.stderr).toMatch(/"to" must be later than "from"/)
    const unknown = await replay(service.url, '--from', String(from), '--destination', 'nope')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/no destination has the id or name "nope"/)
    const later = (ms: number): string => new Date(Date.now() + ms).toISOString()
    const future = await replay(service.url, '--from', later(60_000), '--to', later(120_000), '--json')
    expect(JSON.parse(future.stdout)).toEqual({ events: 0 })

    const seconds = await replay(service.url, '--from', String(Math.floor(from / 1000)))
    expect(seconds.code).toBe(2)
    expect(seconds.stderr).toMatch(/looks like epoch seconds/)
    const zoneless = await replay(service.url, '--from', '2026-11-28T10:00:00')
    expect(zoneless.code).toBe(2)
    expect(zoneless.stderr).toMatch(/has no time zone/)

    const run = await replay(service.url, '--from', new Date(from).toISOString(), '--destination', 'iterable')
    expect(run).toMatchObject({
      code: 0,
      stdout: 'replayed 3 events: appended to the log, delivery sends them in order\n',
    })
    await waitFor(() => (project.findByUserId('kept-1')?.events.length ?? 0) === 2)
    const user = project.findByUserId('kept-1')
    expect(user?.email).toBe('kept-1@example.com')
    expect(user?.events.map((e) => e.id).sort()).toEqual(['kept-track-1', 'kept-track-2'])
    await waitFor(async () => (await service!.store.deliveryStats()).every((s) => s.behind === 0))
    // The replayed copy is found with the original, and its request with it.
    const lookup = await service.store.lookupEvent('kept-track-1')
    expect(lookup.events).toHaveLength(2)
    expect(lookup.attempts.map((a) => a.responseStatus)).toEqual([200])

    // The API replays a batch per call and says where to go on; following `next` covers the range once.
    const api = async (body: Record<string, unknown>) =>
      (
        await service!.app.inject({
          method: 'POST',
          url: '/api/admin/events/replay',
          headers: { authorization: `Bearer ${TOKEN}` },
          payload: body,
        })
      ).json<{ events: number; next: unknown; error?: { code: string } }>()
    const range = { from, to: Date.now() }
    const page1 = await api({ ...range, limit: 2 })
    expect(page1).toMatchObject({ events: 2 })
    expect(page1.next).not.toBeNull()
    const page2 = await api({ ...range, limit: 2, next: page1.next })
    expect(page2).toMatchObject({ events: 1, next: null })
    expect((await api({ ...range, source: 'no-such-source' })).error?.code).toBe('not_found')
    expect((await api({ ...range, destination: 'no-such-id' })).error?.code).toBe('not_found')
  })
})
