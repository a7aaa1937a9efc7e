// `send --wait` against the real service in-process (startService with the built-in sandbox):
// upload, then follow /metrics until the queues are empty; the counters reflect the deliveries.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startService } from '../../src/cli/serve.js'
import type { RunningService } from '../../src/cli/serve.js'
import { exitCodeOf, runSend } from '../../src/cli/send.js'
import { formatWait, readCounters, waitForDelivery } from '../../src/cli/send-wait.js'

const WRITE_KEY = 'wk_send_wait_test'
let dir: string
let service: RunningService

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'send-wait-'))
  service = await startService({
    port: 0,
    host: '127.0.0.1',
    dataDir: path.join(dir, 'data'),
    sandbox: true,
    writeKey: WRITE_KEY,
    adminToken: 'send-wait-admin',
    logger: pino({ level: 'silent' }),
    delivery: { lingerMs: 50 },
  })
})
afterAll(async () => {
  await service?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('send --wait', () => {
  it('waits until the service has delivered the upload and reports the counters', async () => {
    const lines: string[] = []
    for (let i = 0; i < 120; i++) {
      lines.push(
        JSON.stringify({ type: 'track', event: 'Waited', userId: `w${i % 7}`, messageId: `wait-${i}` }),
      )
    }
    for (let i = 0; i < 30; i++) {
      lines.push(
        JSON.stringify({ type: 'identify', userId: `w${i}`, traits: { plan: 'pro' }, messageId: `wid-${i}` }),
      )
    }
    const file = path.join(dir, 'events.ndjson')
    writeFileSync(file, lines.join('\n'))

    const before = await readCounters(service.url)
    expect(before).toBeDefined()
    const summary = await runSend({ file, url: service.url, writeKey: WRITE_KEY, quiet: true })
    expect(exitCodeOf(summary)).toBe(0)
    const waited = await waitForDelivery(service.url, before!, { timeoutMs: 30_000, pollMs: 100 })
    expect(waited.drained).toBe(true)
    expect(waited.counters.queueDepth).toBe(0)
    expect(waited.counters.routed).toBe(150)
    expect(waited.counters.delivered).toBe(150)
    expect(waited.counters.deadLettered).toBe(0)
    expect(formatWait(waited)).toMatch(/queues empty[\s\S]*delivered\s+150/)
  })

  it('says when a URL has no usable /metrics', async () => {
    expect(await readCounters('http://127.0.0.1:1')).toBeUndefined()
  })
})
