// The built `send`, `apply` and `export` commands (node dist/cli/index.js …) against a service
// started in-process with the built-in sandbox: flags, environment defaults, exit codes, output.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startService } from '../../src/cli/serve.js'
import type { RunningService } from '../../src/cli/serve.js'
import { REPO_ROOT } from '../helpers/shared.js'
import { CLI, requireBuild } from './e2e-helpers.js'

const WRITE_KEY = 'wk_ops_cli_test'
const ADMIN_TOKEN = 'ops-cli-admin-token'
const API_KEY = 'ops_cli_api_key_abcdef0123456789'

let dir: string
let service: RunningService

beforeAll(async () => {
  requireBuild()
  dir = mkdtempSync(path.join(tmpdir(), 'ops-cli-'))
  service = await startService({
    port: 0,
    host: '127.0.0.1',
    dataDir: path.join(dir, 'data'),
    sandbox: true,
    writeKey: WRITE_KEY,
    adminToken: ADMIN_TOKEN,
    logger: pino({ level: 'silent' }),
  })
})
afterAll(async () => {
  await service?.close()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const clean = { ...process.env }
  for (const name of [
    'ITERABLE_ACTIONS_URL',
    'ITERABLE_ACTIONS_WRITE_KEY',
    'ADMIN_TOKEN',
    'ITERABLE_API_KEY',
  ]) {
    delete clean[name]
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...clean, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

// Each command is a fresh Node process: generous timeouts for busy machines.
describe('operations commands (built CLI)', { timeout: 180_000 }, () => {
  it('send: usage errors exit 2 and name the missing option', async () => {
    const run = await cli(['send', path.join(dir, 'none.ndjson')])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/--url is required \(or set ITERABLE_ACTIONS_URL\)/)
  })

  it('send: flags from the environment, plain progress, summary, --wait', async () => {
    const file = path.join(dir, 'ok.ndjson')
    const lines = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({ type: 'track', event: 'CLI', userId: `c${i}`, messageId: `cli-${i}` }),
    )
    writeFileSync(file, lines.join('\n') + '\nnot json\n')
    const run = await cli(['send', file, '--wait', '--wait-timeout', '60'], {
      ITERABLE_ACTIONS_URL: service.url,
      ITERABLE_ACTIONS_WRITE_KEY: WRITE_KEY,
    })
    expect(run.stdout).toMatch(/^progress: 51\/51 lines \(100%\)/m)
    expect(run.stdout).toMatch(/accepted\s+50/)
    expect(run.stdout).toMatch(/line 51: invalid JSON/)
    expect(run.stdout).toMatch(/queues empty[\s\S]*delivered\s+50/)
    expect(run.stdout + run.stderr).not.toContain(WRITE_KEY)
    expect(run.code).toBe(3)
  })

  it('apply then export: changes listed, secrets never printed, invalid files exit 2', async () => {
    const config = path.join(dir, 'config.yaml')
    writeFileSync(
      config,
      [
        'destinations:',
        '  - name: extra',
        '    settings:',
        '      apiKey: ${ITERABLE_API_KEY}',
        '    mappings:',
        '      - name: Track Calls',
        '        preset: Track Calls',
        '',
      ].join('\n'),
    )
    const env = { ITERABLE_ACTIONS_URL: service.url, ADMIN_TOKEN, ITERABLE_API_KEY: API_KEY }
    const applied = await cli(['apply', config], env)
    expect(applied.stderr).toBe('')
    expect(applied.code).toBe(0)
    expect(applied.stdout).toMatch(/destination "extra": added \(1 mappings, API key set\)/)

    const exported = await cli(['export', '--url', service.url, '--admin-token', ADMIN_TOKEN])
    expect(exported.code).toBe(0)
    expect(exported.stdout).toMatch(/name: extra/)
    expect(exported.stdout).toContain('${ITERABLE_API_KEY_EXTRA}')
    expect(exported.stdout).not.toContain(API_KEY)
    expect(exported.stdout).not.toContain(WRITE_KEY)
    expect(exported.stderr).toMatch(/environment variables referenced: .*ITERABLE_API_KEY_EXTRA/)

    writeFileSync(path.join(dir, 'bad.yaml'), 'destinations:\n  - name: x\n    colour: red\n')
    const bad = await cli(['apply', path.join(dir, 'bad.yaml')], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/bad\.yaml: destinations\[0\]\.colour: unknown key/)

    const wrong = await cli(['export'], { ...env, ADMIN_TOKEN: 'not-the-token' })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/HTTP 401/)
    expect(wrong.stderr).not.toContain('not-the-token')
  })
  it('a --sandbox service: export then apply without its made-up key keeps the key and changes nothing else', async () => {
    const env = { ITERABLE_ACTIONS_URL: service.url, ADMIN_TOKEN }
    const file = path.join(dir, 'sandbox-export.yaml')
    const exported = await cli(['export', '--include-write-keys', '--out', file], env)
    expect(exported.code).toBe(0)

    const dry = await cli(['apply', file, '--dry-run'], env)
    expect(dry.stderr).toBe('')
    expect(dry.code).toBe(0)
    expect(dry.stdout).toMatch(
      /^would change:\n {2}destination "iterable":\n {4}API key kept \(ITERABLE_API_KEY_ITERABLE is not set\)$/m,
    )
    expect(dry.stdout).not.toMatch(/mapping|added|removed/)
    const applied = await cli(['apply', file], env)
    expect(applied.code).toBe(0)
    expect(applied.stdout).toContain('API key kept (ITERABLE_API_KEY_ITERABLE is not set)')
    expect(applied.stdout).not.toMatch(/resumed|mapping "/)

    // The sandbox's made-up key is still the one in use, and nothing was paused.
    const iterable = (await service.store.listDestinations()).find((d) => d.name === 'iterable')
    expect(iterable?.paused).toBeNull()
    expect(await service.store.getDestinationApiKey(iterable!.id)).toBe(service.sandbox?.apiKey)
  })

  it('apply --dry-run --server-env checks the variables on the service, as the real apply does', async () => {
    const file = path.join(dir, 'server-env.yaml')
    writeFileSync(
      file,
      ['sources:', '  - name: other', '    writeKey: ${SURELY_UNSET_ON_THE_SERVICE}', ''].join('\n'),
    )
    const env = { ITERABLE_ACTIONS_URL: service.url, ADMIN_TOKEN }
    for (const args of [['--dry-run', '--server-env'], ['--server-env']]) {
      const run = await cli(['apply', file, ...args], env)
      expect(run.code).toBe(1)
      expect(run.stderr).toMatch(
        /sources\[0\]\.writeKey: environment variable SURELY_UNSET_ON_THE_SERVICE is not set/,
      )
    }
  })
})
