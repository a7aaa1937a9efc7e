// The shared corpus through the real pipeline: `send` (NDJSON over /v1/batch) → `serve` (a child
// process from dist/, default destination with the four automatic presets) → a recording sandbox.
// Every event accepted at ingest must reach the sandbox with exactly the item `previewEvent`
// predicts (bulk requests are compared item by item), and nothing else may arrive.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runSend } from '../../src/cli/send.js'
import { previewEvent } from '../../src/preview/preview-event.js'
import { SHARED_DIR } from '../helpers/shared.js'
import type { RecordingSandbox, ServeProcess } from './e2e-helpers.js'
import { itemsOf, requireBuild, startRecordingSandbox, startServe, waitUntil } from './e2e-helpers.js'

const API_KEY = 'e2e_corpus_api_key_0123456789abcdef'
const WRITE_KEY = 'wk_e2e_corpus'
const EVENTS = 400
const SEED = 20251115
const ADMIN_TOKEN = 'e2e-corpus-admin'

interface DeadLetterRow {
  action: string
  /** The item as JSON (the admin API parses it, in the list as in inspect). */
  payload: { body: unknown }
  code: string
  statusCode: number | null
  reason: string
}

interface DeadInfo {
  code: string
  status: number | null
  reason: string
}

const ACTION_OF_PATH: Record<string, string> = {
  '/api/events/track': 'trackEvent',
  '/api/users/update': 'updateUser',
  '/api/commerce/updateCart': 'updateCart',
  '/api/commerce/trackPurchase': 'trackPurchase',
}

let sandbox: RecordingSandbox
let serve: ServeProcess | undefined
let dir: string

beforeAll(async () => {
  requireBuild()
  dir = mkdtempSync(path.join(tmpdir(), 'e2e-corpus-'))
  sandbox = await startRecordingSandbox(API_KEY)
})
afterAll(async () => {
  await serve?.stop()
  await sandbox?.close()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

/** Key order does not matter to Iterable: compare canonical JSON. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

describe('shared corpus end to end', () => {
  it('delivers every valid event with the body preview predicts, and nothing else', async () => {
    const corpusFile = path.join(dir, 'corpus.ndjson')
    const gen = spawnSync(process.execPath, [
      path.join(SHARED_DIR, 'corpus/gen-corpus.mjs'),
      '--n',
      String(EVENTS),
      '--seed',
      String(SEED),
      '--out',
      corpusFile,
    ])
    expect(gen.status, gen.stderr?.toString()).toBe(0)
    const lines = readFileSync(corpusFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')

    serve = await startServe({
      dataDir: path.join(dir, 'data'),
      writeKey: WRITE_KEY,
      apiKey: API_KEY,
      iterableUrl: sandbox.url,
      adminToken: ADMIN_TOKEN,
    })
    const summary = await runSend({ file: corpusFile, url: serve.url, writeKey: WRITE_KEY, quiet: true })
    expect(summary.failedRequests).toEqual([])
    expect(summary.notDelivered).toBe(0)
    expect(summary.accepted).toBeGreaterThan(EVENTS * 0.9)

    // Expected: preview of every event the service accepted.
    const refused = new Set([...summary.rejected.map((r) => r.line), ...summary.skipped.map((s) => s.line)])
    const expected = new Map<string, { action: string; messageId: string; count: number }>()
    let expectedItems = 0
    lines.forEach((line, index) => {
      if (refused.has(index + 1)) return
      const event = JSON.parse(line) as { messageId: string }
      for (const result of previewEvent(undefined, event).results) {
        if (!('requests' in result)) continue
        for (const request of result.requests) {
          const action = ACTION_OF_PATH[new URL(request.url).pathname]
          expect(action, request.url).toBe(result.action)
          const key = `${action} ${canonical(request.body)}`
          const entry = expected.get(key) ?? { action, messageId: event.messageId, count: 0 }
          entry.count++
          expected.set(key, entry)
          expectedItems++
        }
      }
    })
    const actions = new Set([...expected.values()].map((e) => e.action))
    expect([...actions].sort()).toEqual(['trackEvent', 'trackPurchase', 'updateCart', 'updateUser'])

    const received = (): Map<string, number> => {
      const seen = new Map<string, number>()
      for (const recorded of sandbox.requests) {
        if (recorded.status !== 200) continue
        for (const { action, item } of itemsOf(recorded)) {
          const key = `${action} ${canonical(item)}`
          seen.set(key, (seen.get(key) ?? 0) + 1)
        }
      }
      return seen
    }
    // Items Iterable refuses for good (a field whose type conflicts with earlier data: the corpus has
    // such cases on purpose) end as dead letters carrying the exact item that was sent.
    const deadLetters = async (): Promise<Map<string, DeadInfo>> => {
      const answer = await request(`${serve?.url}/api/admin/dead-letters?limit=1000`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
      const page = (await answer.body.json()) as { items: DeadLetterRow[] }
      const out = new Map<string, DeadInfo>()
      for (const dead of page.items) {
        out.set(`${dead.action} ${canonical(dead.payload.body)}`, {
          code: dead.code,
          status: dead.statusCode,
          reason: dead.reason,
        })
      }
      return out
    }
    let dead = new Map<string, DeadInfo>()
    const missing = async (): Promise<string[]> => {
      const seen = received()
      dead = await deadLetters()
      const out: string[] = []
      for (const [key, entry] of expected)
        if ((seen.get(key) ?? 0) < entry.count && !dead.has(key)) out.push(key)
      return out
    }
    await waitUntil(
      'every predicted item delivered or dead-lettered',
      async () => (await missing()).length === 0,
      60_000,
    ).catch(() => undefined)
    const notArrived = await missing()
    expect(
      notArrived.slice(0, 5).map((key) => `${expected.get(key)?.messageId}: ${key.slice(0, 400)}`),
      `${notArrived.length} of ${expected.size} predicted items were neither delivered nor dead-lettered as predicted`,
    ).toEqual([])
    console.info(
      `corpus test: ${summary.accepted} events accepted, ${expectedItems} items predicted, ` +
        `${dead.size} dead-lettered (${[...new Set([...dead.values()].map((d) => d.code))].join(', ')})`,
    )
    // Dead letters only for permanent errors, only for predicted items, and few of them.
    for (const [key, info] of dead) {
      expect(expected.has(key), `dead letter not predicted: ${key.slice(0, 300)}`).toBe(true)
      if (info.status === null) {
        // Not sent at all: a value of a type Iterable had already refused for that field (the
        // refusal learned from an earlier answer), which depends on the order answers came in.
        expect(info.code).toBe('RequestFieldsTypesMismatched')
        expect(info.reason).toMatch(/^Not sent: Iterable refused this field type at /)
        continue
      }
      expect(info.status, `dead letter ${info.code}`).toBeGreaterThanOrEqual(400)
      expect(info.status).toBeLessThan(500)
    }
    expect(dead.size).toBeLessThan(expected.size * 0.2)
    // Nothing arrived that preview did not predict (re-sends of a predicted item are allowed).
    const unexpected = [...received().keys()].filter((key) => !expected.has(key))
    expect(unexpected.slice(0, 5)).toEqual([])
    expect(expectedItems).toBeGreaterThan(EVENTS * 0.5)
  }, 180_000)
})
