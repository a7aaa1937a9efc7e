// Crash safety: events are sent to the real service (a child process from dist/) under load, the
// process is SIGKILLed mid-load, restarted on the same data folder, and every event that had been
// acknowledged with a 200 must reach the sandbox (at-least-once; counted by messageId = event id).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Pool } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RecordingSandbox, ServeOptions, ServeProcess } from './e2e-helpers.js'
import {
  deliveredEventIds,
  postBatch,
  requireBuild,
  startRecordingSandbox,
  startServe,
  waitUntil,
} from './e2e-helpers.js'

const API_KEY = 'e2e_crash_api_key_0123456789abcdef'
const WRITE_KEY = 'wk_e2e_crash'
const ADMIN_TOKEN = 'e2e-crash-admin-token'
const BATCH = 50

let sandbox: RecordingSandbox
let dataDir: string
const processes: ServeProcess[] = []

beforeAll(async () => {
  requireBuild()
  sandbox = await startRecordingSandbox(API_KEY)
  dataDir = mkdtempSync(path.join(tmpdir(), 'e2e-crash-'))
})
afterAll(async () => {
  for (const p of processes) await p.stop()
  await sandbox?.close()
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
})

function trackEvent(seq: number): Record<string, unknown> {
  return {
    type: 'track',
    event: 'Crash Test',
    userId: `crash-user-${seq % 40}`,
    messageId: `crash-${seq}`,
    timestamp: '2026-01-01T00:00:00.000Z',
    properties: { seq },
  }
}

/** messageIds the sandbox answered 200 for (custom events carry id = messageId). */
function deliveredIds(): Set<string> {
  return deliveredEventIds(sandbox.requests)
}

interface Load {
  acknowledged: Set<string>
  requests: number
  failures: number
}

/** Sends batches over `connections` until `stopWhen` says so or a connection error stops a worker. */
async function load(
  url: string,
  firstSeq: number,
  connections: number,
  stopWhen: (load: Load) => boolean,
  onProgress?: (load: Load) => void,
): Promise<Load> {
  const pool = new Pool(url, { connections })
  const state: Load = { acknowledged: new Set(), requests: 0, failures: 0 }
  let seq = firstSeq
  const worker = async (): Promise<void> => {
    while (!stopWhen(state)) {
      const ids: string[] = []
      const batch = []
      for (let i = 0; i < BATCH; i++) {
        const event = trackEvent(seq++)
        ids.push(event.messageId as string)
        batch.push(event)
      }
      state.requests++
      try {
        const { status, rejected } = await postBatch(pool, WRITE_KEY, batch)
        if (status !== 200) {
          state.failures++
          continue
        }
        ids.forEach((id, index) => {
          if (!rejected.has(index)) state.acknowledged.add(id)
        })
        onProgress?.(state)
      } catch {
        // The service went away mid-request: this batch was not acknowledged.
        state.failures++
        return
      }
    }
  }
  await Promise.all(Array.from({ length: connections }, worker))
  await pool.close().catch(() => undefined)
  return state
}

/** serve on `folder`, delivering to the recording sandbox. */
function serveOptions(folder: string): ServeOptions {
  return {
    dataDir: folder,
    writeKey: WRITE_KEY,
    apiKey: API_KEY,
    iterableUrl: sandbox.url,
    adminToken: ADMIN_TOKEN,
  }
}

describe('crash safety (SIGKILL mid-load)', () => {
  it('delivers every acknowledged event after a restart on the same data folder', async () => {
    const options = serveOptions(dataDir)
    const first = await startServe(options)
    processes.push(first)

    // Kill while requests are in flight, once a good amount has been acknowledged.
    let killed: Promise<void> | undefined
    let deliveredAtKill = 0
    const before = await load(
      first.url,
      0,
      4,
      (state) => state.failures > 0 || state.acknowledged.size >= 20_000,
      (state) => {
        if (killed === undefined && state.acknowledged.size >= 3000) {
          deliveredAtKill = deliveredIds().size
          killed = first.kill9()
        }
      },
    )
    await killed
    expect(killed, 'the service was killed during the load').toBeDefined()
    expect(first.child.signalCode).toBe('SIGKILL')
    expect(before.acknowledged.size).toBeGreaterThanOrEqual(3000)

    const second = await startServe({ ...options, port: first.port })
    processes.push(second)
    // The restarted service takes new events too.
    const after = await load(second.url, 1_000_000, 2, (state) => state.acknowledged.size >= 500)
    expect(after.failures).toBe(0)

    const acknowledged = new Set([...before.acknowledged, ...after.acknowledged])
    const missing = (): string[] => {
      const delivered = deliveredIds()
      return [...acknowledged].filter((id) => !delivered.has(id))
    }
    // SQLite: one process owns the data folder, so the restarted service takes back every lease the
    // killed one held (reclaimAllOnStart) and delivers those jobs too; nothing waits for a lease.
    await waitUntil('every acknowledged event in the sandbox', () => missing().length === 0, 60_000).catch(
      () => undefined,
    )
    await second.stop()
    expect(second.child.exitCode).toBe(0)
    const lost = missing()
    console.info(
      `crash test: ${acknowledged.size} acknowledged, ${deliveredAtKill} delivered when killed, ${lost.length} lost`,
    )
    expect(
      lost.slice(0, 20),
      `${lost.length} of ${acknowledged.size} acknowledged events never reached the sandbox ` +
        `(${deliveredAtKill} delivered when killed)`,
    ).toEqual([])
  }, 240_000)
})

describe('graceful shutdown (SIGTERM mid-load, deliveries in flight)', () => {
  it('exits 0 without losing an acknowledged event: in-flight work finishes or is released', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'e2e-sigterm-'))
    // Slow answers: when SIGTERM comes, requests are on their way to the sandbox.
    sandbox.sandbox.faults.update({ latencyMs: 150 })
    try {
      const options = serveOptions(folder)
      const first = await startServe(options)
      processes.push(first)
      const sent = await load(first.url, 5_000_000, 2, (state) => state.acknowledged.size >= 2000)
      expect(sent.failures).toBe(0)
      const requestsBefore = sandbox.requests.length
      await waitUntil('deliveries under way', () => sandbox.requests.length > requestsBefore, 10_000)
      await first.stop()
      expect({ code: first.child.exitCode, signal: first.child.signalCode }).toEqual({
        code: 0,
        signal: null,
      })
      expect(first.output()).toMatch(/shutting down/)

      sandbox.sandbox.faults.update({ latencyMs: 0 })
      const missing = (): string[] => {
        const delivered = deliveredIds()
        return [...sent.acknowledged].filter((id) => !delivered.has(id))
      }
      const second = await startServe({ ...options, port: first.port })
      processes.push(second)
      await waitUntil('every acknowledged event in the sandbox', () => missing().length === 0, 60_000).catch(
        () => undefined,
      )
      await second.stop()
      expect(
        missing().slice(0, 20),
        `${missing().length} of ${sent.acknowledged.size} never delivered`,
      ).toEqual([])
    } finally {
      sandbox.sandbox.faults.update({ latencyMs: 0 })
      rmSync(folder, { recursive: true, force: true })
    }
  }, 120_000)
})
