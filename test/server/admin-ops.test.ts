// Operating from the admin API over real HTTP: sources show write keys once and hints after; events
// accepted while the destination had no API key are reported as waiting for a replay (overall and in
// their lookup) until a replay copies them, and the replay says how far it got.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { waitFor } from '../delivery/harness.js'

const TOKEN = 'admin-token-ops-0123456'
const WRITE_KEY = 'wk-ops-write-key'

let service: RunningService | undefined
let dir: string | undefined
afterEach(async () => {
  await service?.close(2000)
  service = undefined
  if (dir) rmSync(dir, { recursive: true, force: true })
})

interface Answer {
  status: number
  text: string
  json: any
}

async function call(method: string, route: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${service!.url}/api/admin${route}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await response.text()
  return { status: response.status, text, json: text === '' ? null : JSON.parse(text) }
}

async function send(writeKey: string, batch: object[]): Promise<number> {
  const response = await fetch(`${service!.url}/v1/batch`, {
    method: 'POST',
    headers: {
      authorization: 'Basic ' + Buffer.from(`${writeKey}:`).toString('base64'),
      'content-type': 'application/json',
    },
    body: JSON.stringify({ batch }),
  })
  return response.status
}

const common = () => ({
  port: 0,
  host: '127.0.0.1',
  dataDir: dir!,
  adminToken: TOKEN,
  writeKey: WRITE_KEY,
  logger: pino({ level: 'silent' }),
})

describe('sources', () => {
  it('shows a write key once, on create and on rotate, and only its hint in every other answer', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ia-ops-'))
    service = await startService({ ...common(), sandbox: true })
    const created = await call('POST', '/sources', { name: 'web app' })
    expect(created.status).toBe(201)
    const key = created.json.writeKey as string
    expect(key).toMatch(/^wk_/)
    expect(created.json.source).toEqual({
      id: expect.any(String),
      name: 'web app',
      writeKeyHint: `…${key.slice(-4)}`,
      active: true,
      createdAt: expect.any(Number),
      revokedAt: null,
    })
    expect(await send(key, [{ type: 'track', userId: 'u', event: 'E' }])).toBe(200)

    const listed = await call('GET', '/sources')
    expect(listed.text).not.toContain(key)
    expect(listed.json.items.map((s: { name: string }) => s.name).sort()).toEqual(['default', 'web app'])

    const rotated = await call('POST', `/sources/${created.json.source.id}/rotate`)
    expect(rotated.status).toBe(200)
    expect(rotated.json.replaces).toBe(created.json.source.id)
    const newKey = rotated.json.writeKey as string
    expect(newKey).not.toBe(key)
    expect(await send(key, [{ type: 'track', userId: 'u', event: 'E' }])).toBe(401)
    expect(await send(newKey, [{ type: 'track', userId: 'u', event: 'E' }])).toBe(200)

    const revoked = await call('POST', `/sources/${rotated.json.source.id}/revoke`)
    expect(revoked.json.source).toMatchObject({ active: false, revokedAt: expect.any(Number) })
    expect(revoked.text).not.toContain(newKey)
    expect(await send(newKey, [{ type: 'track', userId: 'u', event: 'E' }])).toBe(401)
    const again = await call('POST', `/sources/${rotated.json.source.id}/rotate`)
    expect(again).toMatchObject({ status: 409, json: { error: { code: 'source_revoked' } } })
    const after = await call('GET', '/sources')
    for (const secret of [key, newKey]) expect(after.text).not.toContain(secret)
  })
})

describe('events waiting for a replay', () => {
  it('are counted per destination and named in their lookup until a replay copies them; the replay reports progress', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ia-ops-'))
    // No API key, no sandbox: accepted and kept, sent nowhere.
    service = await startService(common())
    expect(service.mode).toBe('disabled')
    const before = Date.now()
    const batch = Array.from({ length: 5 }, (_, i) => ({
      type: 'track',
      userId: 'kept',
      event: 'Signed Up',
      messageId: `kept-${i}`,
    }))
    expect(await send(WRITE_KEY, batch)).toBe(200)
    // Nothing receives now: nothing waits for a replay yet (a replay would send nothing).
    expect((await call('GET', '/waiting-events')).json).toEqual({ items: [] })
    await service.close(2000)

    // A target now: the kept events are not sent by themselves, and they are reported.
    service = await startService({ ...common(), sandbox: true, delivery: { pollMs: 50, lingerMs: 50 } })
    const [destination] = await service.store.listDestinations()
    const waiting = await call('GET', '/waiting-events')
    expect(waiting.json.items).toEqual([
      {
        destinationId: destination.id,
        name: destination.name,
        from: expect.any(Number),
        to: expect.any(Number),
        events: 5,
      },
    ])
    const window = waiting.json.items[0] as { from: number; to: number }
    expect(window.from).toBeLessThanOrEqual(before)
    expect(window.to).toBeGreaterThan(before)
    const lookup = await call('GET', '/events/kept-2')
    expect(lookup.json.items[0].waitingForReplay).toEqual([
      { destinationId: destination.id, name: destination.name },
    ])
    expect(lookup.json.items[0].deliveries).toEqual([])

    // Replayed two at a time: each answer says where it stands in the range.
    const range = { from: window.from, to: window.to, destination: destination.id, limit: 2 }
    const fractions: number[] = []
    let next: unknown = null
    let events = 0
    do {
      const answer = await call('POST', '/events/replay', { ...range, ...(next !== null ? { next } : {}) })
      expect(answer.status).toBe(200)
      const p = answer.json.progress as { firstId: number; lastId: number; throughId: number }
      fractions.push((p.throughId - p.firstId + 1) / (p.lastId - p.firstId + 1))
      events += answer.json.events as number
      next = answer.json.next
    } while (next !== null)
    expect(events).toBe(5)
    expect(fractions).toEqual([0.4, 0.8, 1])

    expect((await call('GET', '/waiting-events')).json).toEqual({ items: [] })
    expect((await call('GET', '/events/kept-2')).json.items[0].waitingForReplay).toEqual([])
    const project = service.sandbox!.state.project()
    await waitFor(() => (project.findByUserId('kept')?.events.length ?? 0) === 5)

    // A range with no event says so.
    const empty = await call('POST', '/events/replay', {
      from: Date.now() + 60_000,
      to: Date.now() + 120_000,
    })
    expect(empty.json).toEqual({ events: 0, next: null, progress: null })
  })
})
