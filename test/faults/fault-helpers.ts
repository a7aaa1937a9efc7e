// The fault suite's tools: a private PostgreSQL server the test may stop and start (the shared one
// at 127.0.0.1:5432 must never be restarted), a small tmpfs to fill, a client that keeps sending
// events through a fault and counts what it was answered, and a watch on /readyz.
import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Pool, request } from 'undici'
import { describe, expect, it } from 'vitest'
import type { RecordingSandbox } from '../e2e/e2e-helpers.js'
import { deliveredEventIds, freePort, HOST, postBatch, sleep, waitUntil } from '../e2e/e2e-helpers.js'

export const isRoot = process.getuid?.() === 0

/**
 * `describe(title)` when `missing` is null; otherwise the reason the suite cannot run here: a
 * failure under CI=true, a visible skip elsewhere (the project's rule for tests of real services).
 */
export function describeIf(title: string, missing: string | null, body: () => void): void {
  if (missing === null) describe(title, body)
  else if (process.env.CI === 'true') {
    describe(title, () => {
      it('can run in CI', () => {
        expect.fail(`${title} cannot run: ${missing}`)
      })
    })
  } else {
    describe.skip(`${title} (SKIPPED: ${missing})`, () => {
      it('needs its environment', () => {})
    })
  }
}

// ---------------------------------------------------------------- a private PostgreSQL

const PG_ROOT = '/usr/lib/postgresql'

/** The newest installed server's bin folder, or null. */
function postgresBin(): string | null {
  if (!existsSync(PG_ROOT)) return null
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(path.join(PG_ROOT, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a))
  return versions.length > 0 ? path.join(PG_ROOT, versions[0], 'bin') : null
}

/** Why a private server cannot be started here, or null. */
export function privatePostgresMissing(): string | null {
  if (!isRoot) return 'a private PostgreSQL is started as the postgres user, which needs root'
  if (postgresBin() === null) return `no PostgreSQL server binaries under ${PG_ROOT}`
  try {
    execFileSync('id', ['postgres'], { stdio: 'ignore' })
  } catch {
    return 'no postgres user'
  }
  return null
}

export interface PrivatePostgres {
  url: string
  /** Fast shutdown (running transactions aborted, connections terminated), like a restart's first half. */
  stop(): Promise<void>
  start(): Promise<void>
  /** Stops the server and removes its files. */
  dispose(): Promise<void>
}

/** initdb in a temporary folder, then a server on a free port with trust auth, run as `postgres`. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBin()
  if (bin === null) throw new Error('no PostgreSQL binaries')
  const root = mkdtempSync(path.join(tmpdir(), 'fault-pg-'))
  chownSync(root, Number(execFileSync('id', ['-u', 'postgres']).toString()), 0)
  const data = path.join(root, 'data')
  const asPostgres = (tool: string, args: string[]): void => {
    execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
  }
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const port = await freePort()
  const serverOptions = `-p ${port} -k ${root} -c listen_addresses=${HOST} -c fsync=off`
  const startServer = async (): Promise<void> =>
    asPostgres('pg_ctl', [
      '-D',
      data,
      '-o',
      serverOptions,
      '-l',
      path.join(root, 'server.log'),
      '-w',
      'start',
    ])
  // pg_ctl -w returns once the server runs; pg_isready says it takes connections.
  const start = async (): Promise<void> => {
    await startServer()
    await waitUntil(
      'pg_isready after the start',
      () => {
        try {
          execFileSync(path.join(bin, 'pg_isready'), ['-h', HOST, '-p', String(port)], { stdio: 'ignore' })
          return true
        } catch {
          return false
        }
      },
      30_000,
    )
  }
  const stop = async (): Promise<void> => asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'])
  await start()
  return {
    url: `postgres://postgres@${HOST}:${port}/postgres`,
    start,
    stop,
    async dispose() {
      await stop().catch(() => undefined)
      rmSync(root, { recursive: true, force: true })
    },
  }
}

// ---------------------------------------------------------------- a small file system to fill

export interface Tmpfs {
  dir: string
  /** Fills it to the last byte with a file; `free()` removes that file. */
  fill(): void
  free(): void
  dispose(): void
}

/** Why a tmpfs cannot be mounted here, or null. */
export function tmpfsMissing(): string | null {
  return isRoot ? null : 'mounting a tmpfs needs root'
}

export function mountTmpfs(sizeMb: number): Tmpfs {
  const dir = mkdtempSync(path.join(tmpdir(), 'fault-tmpfs-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir])
  const filler = path.join(dir, 'filler')
  return {
    dir,
    fill() {
      // dd stops at the first short write: the file system is then full to the block.
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' })
      } catch {
        // "No space left on device" is the point
      }
    },
    free() {
      rmSync(filler, { force: true })
    },
    dispose() {
      execFileSync('umount', [dir])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

// ---------------------------------------------------------------- sending through a fault

export interface LoadOptions {
  writeKey: string
  /** Requests in flight at once (default 2). */
  connections?: number
  /** Events per /v1/batch request (default 20). */
  batch?: number
  /** Pause after each answer, per connection (default 10 ms): a steady stream, not a flood. */
  pauseMs?: number
  /** messageIds start with this (default `fault`). */
  prefix?: string
}

/** What the service answered a load: by status, the acknowledged messageIds, and network failures. */
export interface LoadState {
  acknowledged: Set<string>
  statuses: Map<number, number>
  /** Connection refused or reset, or no answer: the service was not there to answer. */
  networkErrors: string[]
  /** When each acknowledged request was answered (ms since epoch). */
  acknowledgedAt: number[]
}

export interface RunningLoad {
  state: LoadState
  count(status: number): number
  /** Acknowledged requests answered at or after `since`. */
  acknowledgedSince(since: number): number
  stop(): Promise<LoadState>
}

/** Sends track events to `url` over `connections` until stopped, whatever the answers. */
export function startLoad(url: string, options: LoadOptions): RunningLoad {
  const connections = options.connections ?? 2
  const batchSize = options.batch ?? 20
  const pauseMs = options.pauseMs ?? 10
  const prefix = options.prefix ?? 'fault'
  const pool = new Pool(url, { connections })
  const state: LoadState = {
    acknowledged: new Set(),
    statuses: new Map(),
    networkErrors: [],
    acknowledgedAt: [],
  }
  let stopped = false
  let seq = 0
  const send = async (): Promise<void> => {
    const batch = Array.from({ length: batchSize }, () => {
      const n = seq++
      return {
        type: 'track',
        event: 'Fault Test',
        userId: `fault-user-${n % 50}`,
        messageId: `${prefix}-${n}`,
      }
    })
    try {
      const { status, rejected } = await postBatch(pool, options.writeKey, batch)
      state.statuses.set(status, (state.statuses.get(status) ?? 0) + 1)
      if (status === 200 && rejected.size === 0) {
        for (const event of batch) state.acknowledged.add(event.messageId)
        state.acknowledgedAt.push(Date.now())
      }
    } catch (error) {
      // A network error's code (ECONNRESET …) when it has one, else its message.
      const code = (error as { code?: unknown }).code
      state.networkErrors.push(typeof code === 'string' ? code : (error as Error).message)
    }
  }
  const lanes = Array.from({ length: connections }, async () => {
    while (!stopped) {
      await send()
      await sleep(pauseMs)
    }
  })
  let stopping: Promise<LoadState> | null = null
  return {
    state,
    count: (status) => state.statuses.get(status) ?? 0,
    acknowledgedSince: (since) => state.acknowledgedAt.filter((at) => at >= since).length,
    stop() {
      stopped = true
      stopping ??= Promise.all(lanes)
        .then(() => pool.close())
        .then(() => state)
      return stopping
    },
  }
}

/** The fault began: ingest answers 503 and so does /readyz. */
export async function waitForRefusals(load: RunningLoad, readiness: ReadinessWatch): Promise<void> {
  await waitUntil('ingest answering 503', () => load.count(503) > 0, 20_000)
  await waitUntil('/readyz answering 503', () => readiness.statuses.includes(503), 20_000)
}

/** The fault ended at `since`: ingest acknowledges again, and /readyz, after its 503s, answers 200. */
export async function waitForRecovery(
  load: RunningLoad,
  readiness: ReadinessWatch,
  since: number,
): Promise<void> {
  await waitUntil('ingest acknowledging again', () => load.acknowledgedSince(since) >= 20, 60_000)
  await waitUntil(
    '/readyz answering 200 again',
    () => readiness.statuses.lastIndexOf(200) > readiness.statuses.indexOf(503),
    30_000,
  )
}

/**
 * Every acknowledged event reaches the sandbox, and the service has no unfinished work left: no event
 * after any destination's cursor and no parked item (`/api/admin/queues` totalDepth 0, and the
 * `iterable_actions_queue_depth` gauge 0). That nothing waited for a lease to expire is shown by the
 * log (expectDeliveryUninterrupted), not by a clock.
 */
export async function expectAllDelivered(
  serve: { url: string; adminToken: string },
  sandbox: RecordingSandbox,
  acknowledged: ReadonlySet<string>,
): Promise<void> {
  const missing = (): string[] => {
    const delivered = deliveredEventIds(sandbox.requests)
    return [...acknowledged].filter((id) => !delivered.has(id))
  }
  await waitUntil('every acknowledged event in the sandbox', () => missing().length === 0, 60_000).catch(
    () => undefined,
  )
  expect(missing().slice(0, 20), `${missing().length} of ${acknowledged.size} not delivered`).toEqual([])
  await waitUntil(
    'no unfinished work (/api/admin/queues totalDepth 0)',
    async () => (await queueDepth(serve)) === 0,
    30_000,
  )
  expect(await metricSum(serve.url, 'iterable_actions_queue_depth')).toBe(0)
}

/** `/api/admin/queues` totalDepth: events after the cursors and parked items, every destination. */
export async function queueDepth(serve: { url: string; adminToken: string }): Promise<number> {
  const response = await request(`${serve.url}/api/admin/queues`, {
    headers: { authorization: `Bearer ${serve.adminToken}` },
  })
  const body = (await response.body.json()) as { totalDepth?: number }
  if (response.statusCode !== 200) throw new Error(`/api/admin/queues answered ${response.statusCode}`)
  return body.totalDepth ?? -1
}

// ---------------------------------------------------------------- watching the service

export interface ReadinessWatch {
  /** Every answer of /readyz in order (0 = no answer). */
  statuses: number[]
  stop(): Promise<void>
}

/** Asks /readyz every 100 ms. */
export function watchReadiness(url: string): ReadinessWatch {
  const statuses: number[] = []
  let stopped = false
  const loop = (async () => {
    while (!stopped) {
      try {
        const response = await request(`${url}/readyz`)
        await response.body.text()
        statuses.push(response.statusCode)
      } catch {
        statuses.push(0)
      }
      await sleep(100)
    }
  })()
  return {
    statuses,
    async stop() {
      stopped = true
      await loop
    },
  }
}

/** The sum of a Prometheus gauge over its series (e.g. the queue depth of every queue). */
export async function metricSum(url: string, name: string): Promise<number> {
  const response = await request(`${url}/metrics`)
  const text = await response.body.text()
  let sum = 0
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.split(' ').pop())
  }
  return sum
}

export interface LogWatch {
  /** Lines written since the watch began. */
  lines(): number
  /** Those of them whose message (`msg`) is `message`. */
  withMessage(message: string): number
}

/** Watches the lines (pino JSON) a child process writes to stdout and stderr from now on. */
export function watchLog(streams: readonly (NodeJS.ReadableStream | null)[]): LogWatch {
  let lines = 0
  const messages = new Map<string, number>()
  for (const stream of streams) {
    let partial = ''
    stream?.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString()
      const complete = text.split('\n')
      partial = complete.pop() ?? ''
      for (const line of complete) {
        lines++
        const message = /"msg":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1]
        if (message !== undefined) messages.set(message, (messages.get(message) ?? 0) + 1)
      }
    })
  }
  return { lines: () => lines, withMessage: (message) => messages.get(message) ?? 0 }
}

/**
 * No destination's delivery stopped and started again while the log was watched: it kept its lease
 * through the fault, so nothing it had read waited for a lease to expire (30 s) to be sent.
 */
export function expectDeliveryUninterrupted(log: LogWatch, output: string): void {
  expect(
    {
      started: log.withMessage('delivering'),
      leaseLost: log.withMessage('delivery lease lost: another node delivers this destination'),
      threadRestarted: log.withMessage('delivery thread stopped unexpectedly; starting it again'),
    },
    output.slice(-5000),
  ).toEqual({ started: 0, leaseLost: 0, threadRestarted: 0 })
}

/** A folder for a test, removed by the returned function. */
export function tempFolder(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
