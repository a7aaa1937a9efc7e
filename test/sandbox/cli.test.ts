import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { REPO_ROOT } from '../helpers/shared.js'

const CLI = path.join(REPO_ROOT, 'dist/cli/index.js')
const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-cli-'))
const children: ChildProcessWithoutNullStreams[] = []

beforeAll(() => {
  // `npm test` builds first; fail loudly rather than test a missing build.
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`)
})
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function start(args: string[]): {
  child: ChildProcessWithoutNullStreams
  firstLine: Promise<string>
  exit: Promise<number | null>
  output: () => string
} {
  const child = spawn(process.execPath, [CLI, 'sandbox', ...args], { cwd: REPO_ROOT })
  children.push(child)
  let out = ''
  let err = ''
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const nl = out.indexOf('\n')
      if (nl >= 0) resolve(out.slice(0, nl))
    })
    child.on('exit', (code) => reject(new Error(`exited ${code} before printing: ${err}`)))
  })
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, firstLine, exit, output: () => out }
}

describe('iterable-actions sandbox (built CLI)', () => {
  test('--help names the on/off defaults as they are typed', () => {
    const help = spawnSync(process.execPath, [CLI, 'sandbox', '--help'], { cwd: REPO_ROOT, encoding: 'utf8' })
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/--rate-limits <on\|off>\s+enforce Iterable's rate limits \(default: on\)/)
  })

  test('serves over real HTTP with the given key, prints URL and key, exits 0 on SIGTERM', async () => {
    const run = start(['--port', '0', '--project-type', 'email', '--api-key', 'cli-key', '--json'])
    const summary = JSON.parse(await run.firstLine)
    expect(summary.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(summary.projects[0]).toMatchObject({ type: 'email', dataCenter: 'US', apiKeys: ['cli-key'] })
    const post = await fetch(`${summary.url}/api/users/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Api-Key': 'cli-key' },
      body: JSON.stringify({ email: 'Cli@Example.com', dataFields: { n: 1 } }),
    })
    expect(post.status).toBe(200)
    const got = await (
      await fetch(`${summary.url}/api/users/cli@example.com`, { headers: { 'Api-Key': 'cli-key' } })
    ).json()
    expect(got.user.dataFields.n).toBe(1)
    expect((await fetch(`${summary.url}/api/webhooks`, { headers: { 'Api-Key': 'other' } })).status).toBe(401)
    run.child.kill('SIGTERM')
    expect(await run.exit).toBe(0)
  })

  test('/_sandbox/projects: the key by its last 4 characters, in full with --show-keys', async () => {
    for (const [flags, expected] of [
      [[], { apiKeyHints: ['-key'] }],
      [['--show-keys'], { apiKeyHints: ['-key'], apiKeys: ['cli-shown-key'] }],
    ] as const) {
      const run = start(['--port', '0', '--api-key', 'cli-shown-key', '--json', ...flags])
      const { url } = JSON.parse(await run.firstLine)
      const { projects } = await (await fetch(`${url}/_sandbox/projects`)).json()
      expect(projects[0]).toEqual({
        name: 'default',
        id: 10000,
        type: 'hybrid',
        dataCenter: 'US',
        pathPrefix: '',
        ...expected,
      })
      run.child.kill('SIGTERM')
      expect(await run.exit).toBe(0)
    }
  })

  test('human output names the base URL and key; --outage-seconds applies; SIGINT exits 0', async () => {
    const run = start([
      '--port',
      '0',
      '--api-key',
      'shown-key',
      '--rate-limits',
      'off',
      '--outage-seconds',
      '30',
    ])
    const line = await run.firstLine
    expect(line).toMatch(/^Iterable sandbox listening on http:\/\/127\.0\.0\.1:\d+$/)
    const url = line.slice(line.lastIndexOf(' ') + 1)
    // The outage is in force for API routes, never for /_sandbox.
    expect((await fetch(`${url}/api/webhooks`, { headers: { 'Api-Key': 'shown-key' } })).status).toBe(503)
    const faults = await (await fetch(`${url}/_sandbox/faults`)).json()
    expect(faults.outageSeconds).toBeGreaterThan(25)
    expect(run.output()).toContain(`project "default" (hybrid, US): base URL ${url}  API key: shown-key`)
    run.child.kill('SIGINT')
    expect(await run.exit).toBe(0)
  })

  test('--projects file: several projects; an EU key is refused on the US base URL', async () => {
    const file = path.join(dir, 'projects.yaml')
    writeFileSync(
      file,
      'projects:\n  - {name: us, type: email, dataCenter: US, apiKeys: [us-key]}\n  - {name: eu, type: userId, dataCenter: EU, apiKeys: [eu-key]}\n',
    )
    const run = start(['--port', '0', '--projects', file, '--json'])
    const summary = JSON.parse(await run.firstLine)
    expect(summary.projects.map((p: { name: string; baseUrl: string }) => p.name)).toEqual(['us', 'eu'])
    const euBase = summary.projects[1].baseUrl
    expect(euBase).toBe(`${summary.urls.US}/eu`)
    const body = JSON.stringify({ userId: 'u1' })
    const headers = { 'content-type': 'application/json', 'Api-Key': 'eu-key' }
    expect(
      (await fetch(`${summary.urls.US}/api/users/update`, { method: 'POST', headers, body })).status,
    ).toBe(401)
    expect((await fetch(`${euBase}/api/users/update`, { method: 'POST', headers, body })).status).toBe(200)
    run.child.kill('SIGTERM')
    expect(await run.exit).toBe(0)
  })

  test.each([
    [['--fail-rate', '2'], /--fail-rate must be a number from 0 to 1/],
    [['--project-type', 'weird'], /Unknown project type "weird"/],
    [['--data-center', 'APAC'], /Unknown data center "APAC"/],
    [['--rate-limits', 'maybe'], /use "on" or "off"/],
    [['--port', 'abc'], /--port must be an integer/],
    [['--project-type', 'email', '--data-center', 'EU'], /email-based projects cannot live in the EU/],
    [['--projects', '/nonexistent/p.yaml'], /Cannot read projects file/],
  ])('bad flags %j get a clear message and a non-zero exit', (args, message) => {
    const r = spawnSync(process.execPath, [CLI, 'sandbox', '--port', '0', ...args], {
      encoding: 'utf8',
      timeout: 25_000,
    })
    expect(r.status).not.toBe(0)
    expect(r.stderr).toMatch(message)
  })
})
