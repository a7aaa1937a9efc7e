// Issue 16 item 6 end to end through `serve`: a user's events queued while Iterable is away are
// forgotten before they reach it; this service's copies (events, dead letters, requests) go; later
// events are dropped (or refused); unforget lets them in again; the audit holds no personal data.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'
import { waitFor } from '../delivery/harness.js'

let service: RunningService | undefined
let sandbox: RunningSandbox | undefined
let dir: string | undefined
afterEach(async () => {
  await service?.close(2000)
  service = undefined
  await sandbox?.close()
  sandbox = undefined
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const KEY = 'forget-test-key'
const TOKEN = 'test-admin-token-forget'
const CONFIG = `
destinations:
  - name: iterable
    settings: { dataCenterLocation: united_states, apiKey: ${KEY} }
    mappings:
      - { name: Identify Calls, preset: Identify Calls }
      - { name: Track Calls, preset: Track Calls }
`

async function start(forgottenUsers: 'drop' | 'refuse', deliveryThread = false): Promise<RunningService> {
  dir = mkdtempSync(path.join(tmpdir(), 'ia-forget-'))
  const configFile = path.join(dir, 'config.yaml')
  writeFileSync(configFile, CONFIG)
  sandbox = await startSandbox({ port: 0, rateLimits: false, projects: [{ type: 'hybrid', apiKeys: [KEY] }] })
  // The delivery thread runs the built worker script: the built service starts it (`npm test` builds).
  const serve = deliveryThread
    ? ((await import(new URL('../../dist/cli/serve.js', import.meta.url).href)) as {
        startService: typeof startService
      })
    : { startService }
  service = await serve.startService({
    port: 0,
    host: '127.0.0.1',
    dataDir: path.join(dir, 'data'),
    iterableUrl: sandbox.url,
    config: configFile,
    adminToken: TOKEN,
    writeKey: 'wk-forget',
    forgottenUsers,
    // On: delivery on its worker thread (the CLI's default; needs the built dist/).
    deliveryThread,
    logger: pino({ level: 'silent' }),
    // Retries come 4 s after a failure: the forget below happens well before.
    delivery: { pollMs: 50, lingerMs: 20, rateLimits: false, requestBodies: 'all', retryBaseMs: 4000 },
  })
  return service
}

async function post(s: RunningService, url: string, payload: unknown) {
  const response = await s.app.inject({
    method: 'POST',
    url,
    headers: { authorization: 'Basic ' + Buffer.from('wk-forget:').toString('base64') },
    payload: payload as Record<string, unknown>,
  })
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() }
}

async function admin(s: RunningService, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const response = await s.app.inject({
    method,
    url: `/api/admin${url}`,
    headers: { authorization: `Bearer ${TOKEN}` },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  })
  return { status: response.statusCode, body: response.json<Record<string, any>>(), text: response.body }
}

const ann = { userId: 'ann-1', traits: { email: 'Ann@Example.com' } }

describe('forgetting a user through serve', () => {
  it.each([
    ['in-process', false],
    ['on the delivery thread', true],
  ])(
    '%s: queued items never reach Iterable, stored copies go, later events are dropped, unforget restores',
    async (_, thread) => {
      const s = await start('drop', thread)
      const sb = sandbox!
      const project = sb.state.project()
      // A dead letter of ann's: Iterable refuses a userId over 52 characters for good.
      await post(s, '/v1/identify', { userId: 'x'.repeat(53), traits: ann.traits, messageId: 'ann-dead' })
      await waitFor(async () => (await s.store.listDeadLetters()).items.length === 1)
      // Iterable away: ann's and bob's events wait in the queue (retrying, held behind).
      sb.setFaults({ outageSeconds: 120 })
      await post(s, '/v1/batch', {
        batch: [
          { type: 'identify', ...ann, messageId: 'ann-identify' },
          { type: 'track', userId: 'ann-1', event: 'Clicked', messageId: 'ann-track' },
          { type: 'track', userId: 'bob', event: 'Clicked', messageId: 'bob-track' },
        ],
      })
      await waitFor(async () => {
        const stats = await s.store.deliveryStats()
        return stats.some((d) => d.lanes.reduce((n, l) => n + l.retrying + l.held, 0) >= 3)
      })
      sb.setFaults({ outageSeconds: 0 })

      const forgot = await admin(s, 'POST', '/users/forget', { userId: 'ann-1', email: 'ann@example.com' })
      expect(forgot.status).toBe(200)
      expect(forgot.body).toMatchObject({ action: 'forget', outcome: 'succeeded' })
      expect(forgot.body.projects).toEqual([
        expect.objectContaining({ outcome: 'succeeded', status: 200, code: 'Success' }),
      ])
      expect(forgot.body.deleted).toMatchObject({ events: 3, deadLetters: 1 })
      expect(forgot.body.deleted.parked).toBeGreaterThanOrEqual(1)
      expect(forgot.text).not.toMatch(/ann/i)
      expect(project.forgottenUserIds.has('ann-1')).toBe(true)
      expect(project.forgottenEmails.has('ann@example.com')).toBe(true)

      // Bob's retry goes through; nothing of ann's is sent after the forget.
      await waitFor(() => project.findByUserId('bob')?.events.length === 1, 15_000)
      // Every queued item is finished (ann's dropped, bob's sent): nothing left to send later.
      await waitFor(async () =>
        (await s.store.deliveryStats()).every((d) => d.behind === 0 && d.lanes.length === 0),
      )
      const sentSince = (await s.store.listAttempts()).filter((a) => (a.requestBody ?? '').includes('ann-1'))
      expect(sentSince).toEqual([])
      expect((await s.store.listDeadLetters()).items).toEqual([])
      expect(await s.store.findEventsByUser('ann-1')).toEqual([])
      expect((await s.store.lookupEvent('ann-identify')).events).toEqual([])
      expect(project.findByUserId('ann-1')).toBeUndefined()

      // Later events of hers (by userId, or by email alone) are dropped: answered, stored as nothing.
      expect(
        (await post(s, '/v1/track', { userId: 'ann-1', event: 'Again', messageId: 'ann-later' })).status,
      ).toBe(200)
      expect(
        (
          await post(s, '/v1/identify', {
            anonymousId: 'x',
            traits: { email: 'ANN@example.com' },
            messageId: 'ann-email',
          })
        ).status,
      ).toBe(200)
      expect((await s.store.recentEvents(50)).map((e) => e.messageId)).not.toContain('ann-later')
      expect((await s.store.recentEvents(50)).map((e) => e.messageId)).not.toContain('ann-email')

      // The store keeps hashes only.
      expect((await s.store.listForgotten()).join(' ')).not.toMatch(/ann/i)

      const unforgot = await admin(s, 'POST', '/users/unforget', {
        userId: 'ann-1',
        email: 'ann@example.com',
      })
      expect(unforgot.body).toMatchObject({ action: 'unforget', outcome: 'succeeded', deleted: null })
      expect(project.forgottenUserIds.has('ann-1')).toBe(false)
      await post(s, '/v1/identify', { ...ann, messageId: 'ann-back' })
      await waitFor(() => project.findByUserId('ann-1') !== undefined, 15_000)

      const audit = await admin(s, 'GET', '/users/privacy-actions')
      expect(audit.body.items.map((i: { action: string }) => i.action)).toEqual(['unforget', 'forget'])
      expect(audit.body.items[1].subjectHash).toBe(forgot.body.subjectHash)
      expect(audit.text).not.toMatch(/ann/i)
    },
  )

  it('refuse mode: a forgotten user’s single event is a 403, in a batch it is listed as rejected', async () => {
    const s = await start('refuse')
    const forgot = await admin(s, 'POST', '/users/forget', { email: 'carl@example.com' })
    expect(forgot.body.outcome).toBe('succeeded')
    const single = await post(s, '/v1/identify', { userId: 'c', traits: { email: 'carl@example.com' } })
    expect(single.status).toBe(403)
    expect(single.body).toMatchObject({ code: 'forgotten_user' })
    const batch = await post(s, '/v1/batch', {
      batch: [
        { type: 'track', userId: 'dan', event: 'E', messageId: 'dan-1' },
        {
          type: 'track',
          userId: 'c',
          event: 'E',
          properties: { email: 'carl@example.com' },
          messageId: 'carl-1',
        },
      ],
    })
    expect(batch.status).toBe(200)
    expect(batch.body).toMatchObject({ rejectedCount: 1, rejected: [{ index: 1, messageId: 'carl-1' }] })
    expect((await s.store.recentEvents(10)).map((e) => e.messageId)).toEqual(['dan-1'])
  })

  it('delete: drops queued items and stored copies, deletes at Iterable, and does not block later data', async () => {
    const s = await start('drop')
    const project = sandbox!.state.project()
    await post(s, '/v1/identify', { userId: 'eve', traits: { email: 'eve@example.com' }, messageId: 'eve-1' })
    await waitFor(() => project.findByUserId('eve') !== undefined, 15_000)
    const deleted = await admin(s, 'POST', '/users/delete', { userId: 'eve' })
    expect(deleted.body).toMatchObject({ action: 'delete', outcome: 'succeeded', deleted: { events: 1 } })
    expect(project.findByUserId('eve')).toBeUndefined()
    expect(await s.store.listForgotten()).toEqual([])
    await post(s, '/v1/identify', { userId: 'eve', messageId: 'eve-2' })
    await waitFor(() => project.findByUserId('eve') !== undefined, 15_000)
  })

  it('input errors are 4xx that say what and where', async () => {
    const s = await start('drop')
    const none = await admin(s, 'POST', '/users/forget', {})
    expect(none).toMatchObject({
      status: 400,
      body: { error: { code: 'identifier_required', path: 'body' } },
    })
    const bad = await admin(s, 'POST', '/users/forget', { email: 'nope' })
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_email', path: 'body.email' } } })
    const missing = await admin(s, 'POST', '/users/forget', { email: 'a@example.com', destination: 'nope' })
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } })
    const extra = await admin(s, 'POST', '/users/unforget', { email: 'a@example.com', name: 'x' })
    expect(extra.status).toBe(400)
  })
})
