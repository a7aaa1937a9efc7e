// Crash safety: the built CLI (`node dist/cli/index.js serve`) is killed with SIGKILL during a
// load and restarted; every event it acknowledged ends up in the sandbox. Needs `npm run build`
// (`npm test` builds first).
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'
import { REPO_ROOT } from '../helpers/shared.js'

const CLI = path.join(REPO_ROOT, 'dist/cli/index.js')
let sandbox: RunningSandbox
let dir: string
const children: ChildProcess[] = []

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, rateLimits: false, faults: { latencyMs: 15 } })
  dir = mkdtempSync(path.join(tmpdir(), 'ia-crash-'))
})
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  await sandbox.close()
  rmSync(dir, { recursive: true, force: true })
})

function startServe(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--port',
      '0',
      '--data',
      dir,
      '--write-key',
      'crash-key',
      '--api-key',
      sandbox.apiKey,
      '--iterable-url',
      sandbox.url,
      '--admin-token',
      'crash-admin-token',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  children.push(child)
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(out)
      if (match) resolve({ child, url: match[1] })
    })
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening: ${err}`)))
  })
}

async function post(url: string, body: unknown): Promise<number> {
  try {
    const response = await fetch(url + '/v1/batch', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Basic ' + Buffer.from('crash-key:').toString('base64'),
      },
      body: JSON.stringify(body),
    })
    await response.text()
    return response.status
  } catch {
    return 0
  }
}

describe('crash safety', () => {
  it('every acknowledged event is delivered after SIGKILL and restart', async () => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build first`).toBe(true)
    const first = await startServe()
    const acknowledged: string[] = []
    let batch = 0
    let killed = false
    const load = (async () => {
      while (!killed) {
        const events = Array.from({ length: 50 }, (_, i) => ({
          type: 'track',
          // Many users: the sandbox keeps at most 1000 events per user (oldest dropped).
          userId: `crash-${batch % 100}-${i % 10}`,
          event: 'Crash Load',
          messageId: `crash-${batch}-${i}`,
          properties: { batch },
        }))
        batch++
        const status = await post(first.url, { batch: events })
        if (status === 200) for (const e of events) acknowledged.push(e.messageId)
      }
    })()
    await new Promise((r) => setTimeout(r, 1500))
    first.child.kill('SIGKILL')
    killed = true
    await load
    expect(acknowledged.length).toBeGreaterThan(100)

    const second = await startServe()
    const project = sandbox.state.project()
    const deadline = Date.now() + 60_000
    let missing = acknowledged.filter((id) => project.findEvent('customEvent', id) === undefined)
    while (missing.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200))
      missing = missing.filter((id) => project.findEvent('customEvent', id) === undefined)
    }
    expect(missing).toEqual([])
    // jobs leased by the killed run are taken back at start (not after the 5 min lease): the queues drain
    const queued = async (): Promise<number> => {
      const text = await (await fetch(second.url + '/metrics')).text()
      return text
        .split('\n')
        .filter((line) => line.startsWith('iterable_actions_queue_depth{'))
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0)
    }
    const drainBy = Date.now() + 20_000
    while ((await queued()) > 0 && Date.now() < drainBy) await new Promise((r) => setTimeout(r, 200))
    expect(await queued()).toBe(0)
    const exited = new Promise((r) => second.child.once('exit', r))
    second.child.kill('SIGTERM')
    await exited
    expect(second.child.exitCode).toBe(0)
  }, 120_000)
})
