// End-to-end fixtures: the real `serve` as a child process from dist/ (so it can be SIGKILLed),
// and an in-process sandbox whose answered requests are recorded (path, body, status).
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { request, type Pool } from 'undici'
import { createSandboxApp } from '../../src/sandbox/index.js'
import type { SandboxApp } from '../../src/sandbox/index.js'
import { REPO_ROOT } from '../helpers/shared.js'

export const CLI = path.join(REPO_ROOT, 'dist/cli/index.js')
export const HOST = '127.0.0.1'

export function requireBuild(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the e2e tests`)
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Polls `check` every 50 ms until it returns true; throws with `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      if (await check()) return
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(50)
  }
}

/** One answered Iterable API request as the sandbox saw it. */
export interface RecordedRequest {
  path: string
  status: number
  body: unknown
}

export interface RecordingSandbox {
  sandbox: SandboxApp
  url: string
  apiKey: string
  requests: RecordedRequest[]
  close(): Promise<void>
}

/** An in-process sandbox (rate limits off unless asked) that records every API request it answers. */
export async function startRecordingSandbox(
  apiKey: string,
  options: { rateLimits?: boolean } = {},
): Promise<RecordingSandbox> {
  const sandbox = createSandboxApp({
    host: HOST,
    port: 0,
    rateLimits: options.rateLimits ?? false,
    projects: [{ name: 'e2e', type: 'hybrid', dataCenter: 'US', apiKeys: [apiKey] }],
  })
  const requests: RecordedRequest[] = []
  sandbox.app.addHook('onResponse', async (req, reply) => {
    const url = req.url.split('?')[0]
    if (!url.startsWith('/api/')) return
    requests.push({ path: url, status: reply.statusCode, body: req.body })
  })
  await sandbox.app.listen({ host: HOST, port: 0 })
  const address = sandbox.app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { sandbox, url: `http://${HOST}:${port}`, apiKey, requests, close: () => sandbox.close() }
}

/** The items of an answered request: a bulk body's events/users, or the single body itself. */
export function itemsOf(recorded: RecordedRequest): { action: string; item: Record<string, unknown> }[] {
  const body = recorded.body as Record<string, unknown>
  switch (recorded.path) {
    case '/api/events/trackBulk':
      return (body.events as Record<string, unknown>[]).map((item) => ({ action: 'trackEvent', item }))
    case '/api/events/track':
      return [{ action: 'trackEvent', item: body }]
    case '/api/users/bulkUpdate':
      return (body.users as Record<string, unknown>[]).map((item) => ({ action: 'updateUser', item }))
    case '/api/users/update':
      return [{ action: 'updateUser', item: body }]
    case '/api/commerce/updateCart':
      return [{ action: 'updateCart', item: body }]
    case '/api/commerce/trackPurchase':
      return [{ action: 'trackPurchase', item: body }]
    default:
      return []
  }
}

/** messageIds of custom events the sandbox answered 200 for (a custom event's `id` is its messageId). */
export function deliveredEventIds(requests: readonly RecordedRequest[]): Set<string> {
  const ids = new Set<string>()
  for (const recorded of requests) {
    if (recorded.status !== 200) continue
    for (const { action, item } of itemsOf(recorded)) {
      if (action === 'trackEvent' && typeof item.id === 'string') ids.add(item.id)
    }
  }
  return ids
}

export interface ServeProcess {
  child: ChildProcess
  url: string
  port: number
  /** Everything the process printed (stdout + stderr), for failure messages. */
  output(): string
  /** SIGTERM, then SIGKILL after 10 s; resolves when the process is gone. */
  stop(): Promise<void>
  kill9(): Promise<void>
}

export interface ServeOptions {
  port?: number
  /** SQLite data folder; omitted when extraArgs choose PostgreSQL. */
  dataDir?: string
  writeKey: string
  apiKey: string
  iterableUrl: string
  adminToken: string
  extraArgs?: string[]
  /** Longest wait for /readyz (default 30 s). */
  readyTimeoutMs?: number
}

/** The test's environment without the service's own variables (flags decide). */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of Object.keys(env)) {
    if (
      /^(ITERABLE_|ADMIN_TOKEN$|WRITE_KEY$|DATA_DIR$|DATABASE_|SECRET_KEY$|RATE_LIMIT_NODES$|LEASE_MS$)/.test(
        name,
      )
    )
      delete env[name]
  }
  return env
}

/** Starts `node dist/cli/index.js serve …` and waits for `/readyz`. */
export async function startServe(options: ServeOptions): Promise<ServeProcess> {
  requireBuild()
  const port = options.port ?? (await freePort())
  const child = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--host',
      HOST,
      '--port',
      String(port),
      ...(options.dataDir !== undefined ? ['--data', options.dataDir] : []),
      '--write-key',
      options.writeKey,
      '--api-key',
      options.apiKey,
      '--iterable-url',
      options.iterableUrl,
      '--admin-token',
      options.adminToken,
      ...(options.extraArgs ?? []),
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv() },
  )
  let output = ''
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-50_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null
  const url = `http://${HOST}:${port}`
  try {
    await waitUntil(
      'serve to be ready',
      async () => {
        if (gone()) throw new Error('exited')
        const response = await request(`${url}/readyz`)
        await response.body.text()
        return response.statusCode === 200
      },
      options.readyTimeoutMs ?? 30_000,
    )
  } catch (error) {
    child.kill('SIGKILL')
    throw new Error(`serve did not become ready (${(error as Error).message}); output:\n${output}`)
  }
  if (gone()) throw new Error(`serve exited; output:\n${output}`)
  return {
    child,
    url,
    port,
    output: () => output,
    async stop() {
      if (gone()) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
    async kill9() {
      if (gone()) return
      child.kill('SIGKILL')
      await exited
    },
  }
}

export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`
}

/** Posts events to /v1/batch with the write key: the status, and the indexes the answer rejected. */
export async function postBatch(
  pool: Pool,
  writeKey: string,
  batch: readonly unknown[],
): Promise<{ status: number; rejected: Set<number> }> {
  const response = await pool.request({
    path: '/v1/batch',
    method: 'POST',
    headers: { authorization: basicAuth(writeKey), 'content-type': 'application/json' },
    body: JSON.stringify({ batch }),
  })
  const body = (await response.body.json()) as { rejected?: { index: number }[] }
  return { status: response.statusCode, rejected: new Set((body.rejected ?? []).map((r) => r.index)) }
}
