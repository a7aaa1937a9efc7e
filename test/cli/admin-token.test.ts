// The store's admin token, end to end with the built CLI (`node dist/cli/index.js`): the first start
// prints it, restarts keep it without printing it, `admin-token rotate` replaces it while serve runs
// (the old one refused, the new one accepted within seconds), ADMIN_TOKEN overrides and stores
// nothing, and the token is nowhere in the data folder, the database or the logs. On SQLite and on
// PostgreSQL (two nodes on one schema; under CI=true a missing server fails the test).
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { request } from 'undici'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/index.js'
import { cleanEnv, CLI, freePort, HOST, requireBuild, waitUntil } from '../e2e/e2e-helpers.js'
import { runCli } from '../helpers/cli.js'
import {
  describeWithPostgres,
  dropSchema,
  findPostgres,
  freshSchemaName,
  withClient,
} from '../helpers/postgres.js'
import { REPO_ROOT } from '../helpers/shared.js'

const SECRET_KEY = 'cd'.repeat(32)
const TOKEN_LINE = /admin token: (adm_[A-Za-z0-9_-]+) {2}\(generated/
const BANNER_DONE = 'send a first event:'

interface Serve {
  url: string
  stdout(): string
  /** The log (pino writes to stderr). */
  stderr(): string
  stop(): Promise<void>
}

const running: Serve[] = []
const folders: string[] = []

/** `serve` on a free port without --admin-token (unless given); resolves once the banner is printed. */
async function serve(args: string[], env: Record<string, string> = {}): Promise<Serve> {
  const port = await freePort()
  const child = spawn(process.execPath, [CLI, 'serve', '--host', HOST, '--port', String(port), ...args], {
    cwd: REPO_ROOT,
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null
  const started: Serve = {
    url: `http://${HOST}:${port}`,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      if (gone()) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
  running.push(started)
  try {
    await waitUntil(
      'the start banner',
      () => {
        if (gone()) throw new Error('exited')
        return stdout.includes(BANNER_DONE)
      },
      30_000,
    )
  } catch (error) {
    child.kill('SIGKILL')
    throw new Error(`serve did not start (${(error as Error).message}):\n${stdout}\n${stderr}`)
  }
  return started
}

/** The status of an admin API call with this token. */
async function adminStatus(service: Serve, token: string): Promise<number> {
  const response = await request(`${service.url}/api/admin/sources`, {
    headers: { authorization: `Bearer ${token}` },
  })
  await response.body.text()
  return response.statusCode
}

/** Polls until every service refuses `old` and accepts `now` (a rotation reaches them in ~2 s). */
async function untilRotated(services: Serve[], old: string, now: string): Promise<void> {
  await waitUntil(
    'the rotated token to be taken',
    async () => {
      for (const service of services) {
        if ((await adminStatus(service, old)) !== 401) return false
        if ((await adminStatus(service, now)) !== 200) return false
      }
      return true
    },
    15_000,
  )
}

function printedToken(service: Serve): string {
  const match = TOKEN_LINE.exec(service.stdout())
  if (match === null) throw new Error(`no admin token in the banner:\n${service.stdout()}`)
  return match[1]
}

/** Every file under `dir`, as bytes. */
function filesUnder(dir: string): { file: string; bytes: Buffer }[] {
  const out: { file: string; bytes: Buffer }[] = []
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name)
    if (statSync(file).isDirectory()) out.push(...filesUnder(file))
    else out.push({ file, bytes: readFileSync(file) })
  }
  return out
}

function expectNowhere(tokens: string[], places: { name: string; text: string | Buffer }[]): void {
  for (const token of tokens)
    for (const place of places) expect(place.text.includes(token), `${place.name} holds ${token}`).toBe(false)
}

function rotate(args: string[]) {
  return runCli(['admin-token', 'rotate', ...args], { ADMIN_TOKEN: '', DATA_DIR: '', DATABASE_URL: '' })
}

beforeAll(() => requireBuild())
afterEach(async () => {
  for (const service of running.splice(0)) await service.stop()
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'admin-token-'))
  folders.push(dir)
  return dir
}

describe('admin token on SQLite', { timeout: 120_000 }, () => {
  it('is printed at the first start, kept across restarts, rotated while serving, and stored only as a hash', async () => {
    const data = path.join(tempDir(), 'data')
    const first = await serve(['--data', data])
    const token = printedToken(first)
    expect(first.stdout()).toContain('shown this once: later starts do not print it')
    expect(await adminStatus(first, token)).toBe(200)
    expect(await adminStatus(first, token + 'x')).toBe(401)
    await first.stop()

    const second = await serve(['--data', data])
    expect(second.stdout()).not.toContain(token)
    expect(second.stdout()).toContain(`admin token: …${token.slice(-4)}  (kept from an earlier start`)
    expect(second.stdout()).toContain('admin-token rotate')
    expect(await adminStatus(second, token)).toBe(200)

    // A second process writes the new hash while serve runs on the same WAL database.
    const rotated = await rotate(['--data', data])
    expect(rotated.code, rotated.stderr).toBe(0)
    expect(rotated.stdout).toMatch(/^adm_[A-Za-z0-9_-]{24}\n$/)
    const fresh = rotated.stdout.trim()
    expect(fresh).not.toBe(token)
    expect(rotated.stderr).toContain(`…${fresh.slice(-4)}`)
    expect(rotated.stderr).not.toContain(fresh)
    await untilRotated([second], token, fresh)
    expect(second.stderr()).toContain('the admin token was rotated')
    await second.stop()

    // The next start keeps the rotated token.
    const third = await serve(['--data', data])
    expect(third.stdout()).toContain(`admin token: …${fresh.slice(-4)}`)
    expect(await adminStatus(third, fresh)).toBe(200)
    expect(await adminStatus(third, token)).toBe(401)
    await third.stop()

    expectNowhere(
      [token, fresh],
      [
        ...filesUnder(data).map(({ file, bytes }) => ({ name: file, text: bytes })),
        { name: 'the logs', text: first.stderr() + second.stderr() + third.stderr() },
        { name: 'later banners', text: second.stdout() + third.stdout() },
      ],
    )
  })

  it('ADMIN_TOKEN overrides the store and stores nothing; a later start without it makes its own', async () => {
    const data = path.join(tempDir(), 'data')
    const given = 'given-admin-token-0123'
    const withGiven = await serve(['--data', data], { ADMIN_TOKEN: given })
    expect(withGiven.stdout()).toContain('admin token: as given (--admin-token / ADMIN_TOKEN)')
    expect(withGiven.stdout()).not.toContain(given)
    expect(await adminStatus(withGiven, given)).toBe(200)
    await withGiven.stop()

    const store = await openStore({ kind: 'sqlite', dir: data, checkpoints: false })
    try {
      expect(await store.getAdminToken()).toBeNull()
    } finally {
      await store.close()
    }

    const own = await serve(['--data', data])
    const token = printedToken(own)
    expect(await adminStatus(own, token)).toBe(200)
    expect(await adminStatus(own, given)).toBe(401)
    await own.stop()

    // Given again, it wins over the stored one for that run (and a rotation does not touch it).
    const givenAgain = await serve(['--data', data], { ADMIN_TOKEN: given })
    expect(await adminStatus(givenAgain, given)).toBe(200)
    expect(await adminStatus(givenAgain, token)).toBe(401)
    expectNowhere(
      [given, token],
      [{ name: 'the logs', text: withGiven.stderr() + own.stderr() + givenAgain.stderr() }],
    )
  })

  it('rotate refuses a folder without a store and conflicting options, without touching anything', async () => {
    const missing = path.join(tempDir(), 'no-store-here')
    const run = await rotate(['--data', missing])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain(`there is no store in ${missing}`)
    expect(() => statSync(missing)).toThrow()

    const both = await rotate(['--data', missing, '--database-url', 'postgres://nobody@127.0.0.1:5432/test'])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('conflicts with --database-url')
  })
})

const postgres = await findPostgres()

describeWithPostgres('admin token on PostgreSQL', postgres, (url) => {
  // Three starts of serve on PostgreSQL: more than the default 30 s on a loaded machine.
  it('two nodes starting together keep one token; a rotation reaches both; it is only a hash in the database', async () => {
    const schema = freshSchemaName('admin_token')
    try {
      const args = ['--database-url', url, '--database-schema', schema, '--secret-key', SECRET_KEY]
      const nodes = await Promise.all([serve(args), serve(args)])
      const printed = nodes.filter((node) => TOKEN_LINE.test(node.stdout()))
      // One node made the token; the other found it (or they raced and the loser took the winner's).
      expect(printed).toHaveLength(1)
      const token = printedToken(printed[0])
      const other = nodes.find((node) => node !== printed[0]) as Serve
      expect(other.stdout()).toContain(`admin token: …${token.slice(-4)}  (kept from an earlier start`)
      for (const node of nodes) expect(await adminStatus(node, token)).toBe(200)

      const rotated = await rotate(['--database-url', url, '--database-schema', schema])
      expect(rotated.code, rotated.stderr).toBe(0)
      const fresh = rotated.stdout.trim()
      expect(fresh).toMatch(/^adm_/)
      await untilRotated(nodes, token, fresh)

      await other.stop()
      const restarted = await serve(args)
      expect(restarted.stdout()).toContain(`admin token: …${fresh.slice(-4)}`)
      expect(await adminStatus(restarted, fresh)).toBe(200)

      const dump = await withClient(url, async (client) => {
        const { rows } = await client.query<{ table_name: string }>(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
          [schema],
        )
        const all: string[] = []
        for (const { table_name } of rows) {
          const result = await client.query(`SELECT t::text AS row FROM "${schema}"."${table_name}" AS t`)
          all.push(...result.rows.map((r: { row: string }) => r.row))
        }
        return all.join('\n')
      })
      expect(dump).toContain(fresh.slice(-4))
      expectNowhere(
        [token, fresh],
        [
          { name: 'the database', text: dump },
          { name: 'the logs', text: nodes.map((n) => n.stderr()).join('') + restarted.stderr() },
          { name: 'the restarted banner', text: restarted.stdout() + other.stdout() },
        ],
      )
    } finally {
      for (const service of running.splice(0)) await service.stop()
      await dropSchema(url, schema)
    }
  }, 120_000)
})
