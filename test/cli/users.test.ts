// `iterable-actions users forget|delete|unforget|audit` (the built CLI, spawned) against `serve`
// with a sandbox as Iterable, on a real socket: the user is forgotten at the sandbox and here, the
// destination can be named, usage errors exit 2, and the output holds no token.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'
import { runCli, type CliRun } from '../helpers/cli.js'

const TOKEN = 'admin-token-users-cli-0123'
const KEY = 'users-cli-key'

let service: RunningService
let sandbox: RunningSandbox
let dir: string

const cli = (...args: string[]): Promise<CliRun> =>
  runCli(['users', ...args], { ITERABLE_ACTIONS_URL: service.url, ADMIN_TOKEN: TOKEN })

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ia-users-cli-'))
  sandbox = await startSandbox({ port: 0, rateLimits: false, projects: [{ type: 'hybrid', apiKeys: [KEY] }] })
  service = await startService({
    port: 0,
    host: '127.0.0.1',
    dataDir: path.join(dir, 'data'),
    iterableUrl: sandbox.url,
    apiKey: KEY,
    adminToken: TOKEN,
    writeKey: 'wk-users-cli',
    logger: pino({ level: 'silent' }),
  })
})

afterAll(async () => {
  await service?.close(2000)
  await sandbox?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('iterable-actions users', () => {
  it('forget, audit, unforget: at the sandbox and in the store; the destination by name', async () => {
    const project = sandbox.state.project()
    const listed = await service.app.inject({
      method: 'GET',
      url: '/api/admin/destinations',
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    const { items } = listed.json<{ items: { id: string; name: string }[] }>()
    const forget = await cli('forget', '--email', 'Fay@example.com', '--destination', items[0].name)
    expect(forget.stderr).toBe('')
    expect(forget.code).toBe(0)
    expect(forget.stdout).toMatch(/^forget: succeeded \(audit record \d+\)/)
    expect(forget.stdout).toContain('succeeded 200 Success')
    expect(forget.stdout).toMatch(/deleted here: 0 events/)
    expect(project.forgottenEmails.has('fay@example.com')).toBe(true)
    expect((await service.store.listForgotten()).length).toBe(1)

    const audit = await cli('audit', '--json')
    const records = audit.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { action: string })
    expect(records.map((r) => r.action)).toEqual(['forget'])
    expect(audit.stdout).not.toMatch(/fay/i)

    const unforget = await cli('unforget', '--email', 'fay@example.com', '--json')
    expect(unforget.code).toBe(0)
    expect(JSON.parse(unforget.stdout)).toMatchObject({ action: 'unforget', outcome: 'succeeded' })
    expect(project.forgottenEmails.has('fay@example.com')).toBe(false)
    expect(await service.store.listForgotten()).toEqual([])
    for (const run of [forget, audit, unforget]) expect(run.stdout + run.stderr).not.toContain(TOKEN)
  })

  it('delete by userId; a failure at Iterable exits 1 with what it answered', async () => {
    const project = sandbox.state.project()
    // The sandbox has no user "gus": Iterable says so, which is what a delete wants.
    const gone = await cli('delete', '--user-id', 'gus')
    expect(gone.code).toBe(0)
    expect(gone.stdout).toContain('no such user at Iterable')
    sandbox.setFaults({ outageSeconds: 60 })
    try {
      const failed = await cli('forget', '--user-id', 'gus')
      expect(failed.code).toBe(1)
      expect(failed.stdout).toMatch(/^forget: failed/)
      expect(failed.stdout).toContain('503')
    } finally {
      sandbox.setFaults({ outageSeconds: 0 })
    }
    expect(project.findByUserId('gus')).toBeUndefined()
  })

  it('usage errors exit 2: no user named, an unknown destination exits 1', async () => {
    const none = await cli('forget')
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('name the user: --email, --user-id or both')
    const unknown = await cli('forget', '--email', 'a@example.com', '--destination', 'nope')
    expect(unknown.code).not.toBe(0)
    expect(unknown.stderr).toMatch(/nope/)
  })
})
