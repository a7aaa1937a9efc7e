// serve: options and exit codes, disabled delivery without a key, health/readiness/metrics, the
// admin token, dead letters through the admin API, config apply/export.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import {
  banner,
  optionsFromFlags,
  startService,
  UsageError,
  type RunningService,
} from '../../src/cli/serve.js'
import { checkOptions } from '../../src/cli/serve/options.js'
import { adminTokenHash } from '../../src/server/admin/index.js'
import { parseDataCenter } from '../../src/sandbox/options.js'

let service: RunningService | undefined
const dirs: string[] = []
afterEach(async () => {
  await service?.close(2000)
  service = undefined
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ia-serve-admin-'))
  dirs.push(dir)
  return dir
}

async function waitFor(predicate: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** A stream for a pino logger that keeps every line written to it. */
function logSink(): { lines: string[]; sink: Writable } {
  const lines: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  return { lines, sink }
}

const ADMIN = { authorization: 'Bearer admin-token-123' }
const basic = (key: string): string => 'Basic ' + Buffer.from(key + ':').toString('base64')

describe('serve options', () => {
  it('flags win over environment variables, which win over defaults', () => {
    const env = {
      PORT: '4100',
      HOST: '0.0.0.0',
      ITERABLE_API_KEY: 'env-key',
      ADMIN_TOKEN: 'env-token-1',
      DATA_DIR: '/tmp/x',
    }
    const options = optionsFromFlags({ port: '4200', apiKey: 'flag-key' }, env)
    expect(options).toMatchObject({
      port: 4200,
      host: '0.0.0.0',
      apiKey: 'flag-key',
      adminToken: 'env-token-1',
      dataDir: '/tmp/x',
    })
    expect(optionsFromFlags({}, {})).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: './.data',
      sandbox: false,
    })
    expect(optionsFromFlags({}, { ITERABLE_BASE_URL: 'http://x:1' }).iterableUrl).toBe('http://x:1')
  })

  it('takes both spellings of the data centre, as sandbox --data-center does: united_states|europe and US|EU', () => {
    expect(optionsFromFlags({ dataCenter: 'EU' }, {}).dataCenter).toBe('europe')
    expect(optionsFromFlags({ dataCenter: 'europe' }, {}).dataCenter).toBe('europe')
    expect(optionsFromFlags({}, { ITERABLE_DATA_CENTER: 'us' }).dataCenter).toBe('united_states')
    expect(optionsFromFlags({ dataCenter: 'United_States' }, {}).dataCenter).toBe('united_states')
    expect(() => checkOptions(optionsFromFlags({ dataCenter: 'APAC' }, {}))).toThrow(
      '--data-center must be united_states (US) or europe (EU) (got "APAC")',
    )
    expect([parseDataCenter('united_states'), parseDataCenter('europe'), parseDataCenter('eu')]).toEqual([
      'US',
      'EU',
      'EU',
    ])
  })

  it('delivers on its own thread unless told --delivery-thread off (env DELIVERY_THREAD)', () => {
    expect(optionsFromFlags({}, {}).deliveryThread).toBe(true)
    expect(optionsFromFlags({}, { DELIVERY_THREAD: 'off' }).deliveryThread).toBe(false)
    expect(optionsFromFlags({ deliveryThread: 'on' }, { DELIVERY_THREAD: 'off' }).deliveryThread).toBe(true)
    expect(() => optionsFromFlags({ deliveryThread: 'yes' }, {})).toThrow(UsageError)
    expect(() => optionsFromFlags({ deliveryThread: 'yes' }, {})).toThrow(
      '--delivery-thread (DELIVERY_THREAD) must be on or off (got "yes")',
    )
  })

  it('reads the server limits from flags (seconds) and environment variables', () => {
    expect(optionsFromFlags({}, {}).serverLimits).toBeUndefined()
    expect(
      optionsFromFlags(
        { requestTimeout: '20', maxJsonDepth: '100' },
        { REQUEST_TIMEOUT: '5', HEADERS_TIMEOUT: '4', MAX_CONNECTIONS: '800' },
      ).serverLimits,
    ).toEqual({ requestTimeoutMs: 20_000, headersTimeoutMs: 4_000, maxConnections: 800, maxJsonDepth: 100 })
    for (const [flags, message] of [
      [
        { requestTimeout: '0' },
        '--request-timeout (REQUEST_TIMEOUT) must be a whole number of seconds from 1 to 3600 (got "0")',
      ],
      [
        { maxConnections: 'lots' },
        '--max-connections (MAX_CONNECTIONS) must be a whole number of connections',
      ],
      [
        { maxJsonDepth: '5000' },
        '--max-json-depth (MAX_JSON_DEPTH) must be a whole number of levels from 1 to 1000',
      ],
      [
        { requestTimeout: '5', headersTimeout: '8' },
        '--headers-timeout (8 s) must not be longer than --request-timeout (5 s)',
      ],
    ] as const) {
      expect(() => optionsFromFlags(flags, {})).toThrow(UsageError)
      expect(() => optionsFromFlags(flags, {})).toThrow(message)
    }
  })

  it('rejects conflicting and invalid options with exit code 2', async () => {
    const base = { port: 0, host: '127.0.0.1', dataDir: tempDir() }
    const cases = [
      { ...base, sandbox: true, iterableUrl: 'http://127.0.0.1:9' },
      { ...base, dataCenter: 'mars' },
      { ...base, port: 70000 },
      { ...base, iterableUrl: 'ftp://x' },
      { ...base, adminToken: 'short' },
      { ...base, serverLimits: { requestTimeoutMs: 1000, headersTimeoutMs: 2000 } },
      { ...base, serverLimits: { maxJsonDepth: 1001 } },
    ]
    for (const options of cases) {
      const error = await startService(options).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(UsageError)
      expect((error as UsageError).exitCode).toBe(2)
    }
    await expect(startService({ ...base, sandbox: true, iterableUrl: 'http://127.0.0.1:9' })).rejects.toThrow(
      /--sandbox and --iterable-url/,
    )
  })
})

describe('serve without an API key', () => {
  it('accepts and keeps events but sends nothing (delivery disabled)', async () => {
    service = await startService({
      port: 0,
      host: '127.0.0.1',
      dataDir: tempDir(),
      adminToken: 'admin-token-123',
      logger: pino({ level: 'silent' }),
    })
    expect(service.mode).toBe('disabled')
    expect(service.writeKeyGenerated).toBe(true)
    const response = await service.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { authorization: basic(service.writeKey), 'content-type': 'application/json' },
      payload: { userId: 'kept', event: 'Kept', messageId: 'kept-1' },
    })
    expect(response.statusCode).toBe(200)
    expect((await service.store.lookupEvent('kept-1')).events).toHaveLength(1)
    // Kept behind the cursor, and nobody delivers it.
    expect((await service.store.deliveryStats()).map((s) => [s.behind, s.owner])).toEqual([[1, null]])
    const health = await service.app.inject('/healthz')
    expect(health.statusCode).toBe(200)
    const ready = await service.app.inject('/readyz')
    expect(ready.json()).toMatchObject({ status: 'ready', store: 'sqlite' })
    const metrics = await service.app.inject('/metrics')
    expect(metrics.body).toMatch(/iterable_actions_events_received_total\{source="[^"]+"\} 1/)
  })
})

describe('serve retention', { timeout: 30_000 }, () => {
  it('prunes old events and dedupe keys on a schedule while it runs', async () => {
    const { lines, sink } = logSink()
    service = await startService({
      port: 0,
      host: '127.0.0.1',
      dataDir: tempDir(),
      adminToken: 'admin-token-123',
      logger: pino({ level: 'info' }, sink),
      // Long enough that a loaded machine still sees the event before it ages out.
      storeLimits: { eventRetentionMs: 2000, dedupeWindowMs: 2000 },
      pruneEveryMs: 200,
    })
    const send = (messageId: string) =>
      service!.app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: { authorization: basic(service!.writeKey), 'content-type': 'application/json' },
        payload: { userId: 'old', event: 'Aged', messageId },
      })
    expect((await send('aged-1')).statusCode).toBe(200)
    expect((await service.store.lookupEvent('aged-1')).events).toHaveLength(1)
    await waitFor(async () => (await service!.store.lookupEvent('aged-1')).events.length === 0, 15_000)
    expect(lines.join('')).toMatch(/"pruned":\{"events":1,"dedupeKeys":1/)
    // Its dedupe key went with it: the same messageId is a new event again.
    expect((await send('aged-1')).statusCode).toBe(200)
    expect((await service.store.lookupEvent('aged-1')).events).toHaveLength(1)
  })
  it('never prunes an event a delivering destination has not delivered yet (the log is the queue)', async () => {
    // Iterable refuses the key: the destination pauses, its event waits behind the cursor.
    const refusing = createServer((_request, response) => {
      response.writeHead(401, { 'content-type': 'application/json' })
      response.end('{"msg":"Invalid API key","code":"BadApiKey","params":null}')
    })
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve))
    try {
      const { lines, sink } = logSink()
      service = await startService({
        port: 0,
        host: '127.0.0.1',
        dataDir: tempDir(),
        adminToken: 'admin-token-123',
        apiKey: 'refused0000000000000000000000000',
        iterableUrl: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`,
        logger: pino({ level: 'info' }, sink),
        storeLimits: { eventRetentionMs: 500, dedupeWindowMs: 500 },
        pruneEveryMs: 200,
      })
      const sent = await service.app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: { authorization: basic(service.writeKey), 'content-type': 'application/json' },
        payload: { userId: 'waiting', event: 'Kept', messageId: 'kept-while-paused' },
      })
      expect(sent.statusCode).toBe(200)
      await waitFor(async () => (await service!.store.listDestinations())[0].paused !== null, 10_000)
      // Several prune rounds later than its retention: still there, still behind the cursor.
      await new Promise((r) => setTimeout(r, 1500))
      expect(lines.join('')).not.toMatch(/"pruned":\{"events":1/)
      expect((await service.store.lookupEvent('kept-while-paused')).events).toHaveLength(1)
      expect((await service.store.deliveryStats())[0].behind).toBe(1)
    } finally {
      await service?.close(1000)
      service = undefined
      await new Promise<void>((resolve) => refusing.close(() => resolve()))
    }
  })
})

describe('serve after a --sandbox run on the same data folder', () => {
  it('does not take the key made up for the sandbox for an Iterable key: delivery stays disabled', async () => {
    const dataDir = tempDir()
    const common = { port: 0, host: '127.0.0.1', dataDir, adminToken: 'admin-token-123' }
    service = await startService({ ...common, sandbox: true, logger: pino({ level: 'silent' }) })
    expect(service.mode).toBe('sandbox')
    const destinationId = (await service.store.listDestinations())[0].id
    expect(await service.store.getDestinationApiKey(destinationId)).toMatch(/^sandbox_/)
    await service.close(2000)

    const { lines, sink } = logSink()
    // No --sandbox, no --api-key: before the fix this delivered to https://api.iterable.com.
    service = await startService({ ...common, logger: pino({ level: 'warn' }, sink) })
    expect(service.mode).toBe('disabled')
    expect(service.targetUrl).toBeNull()
    expect(await service.store.getDestinationApiKey(destinationId)).toBeNull()
    expect(lines.join('')).toMatch(/key made up for the built-in sandbox .* removed/)
    await service.close(2000)

    // --sandbox again: a fresh sandbox key, delivery to the sandbox.
    service = await startService({ ...common, sandbox: true, logger: pino({ level: 'silent' }) })
    expect(service.mode).toBe('sandbox')
  })

  it('keeps a real key given with --api-key', async () => {
    const dataDir = tempDir()
    const common = { port: 0, host: '127.0.0.1', dataDir, adminToken: 'admin-token-123' }
    service = await startService({ ...common, sandbox: true, logger: pino({ level: 'silent' }) })
    await service.close(2000)
    service = await startService({
      ...common,
      apiKey: 'real0000000000000000000000000000',
      iterableUrl: 'http://127.0.0.1:9',
      logger: pino({ level: 'silent' }),
    })
    expect(service.mode).toBe('custom-url')
    const destinationId = (await service.store.listDestinations())[0].id
    expect(await service.store.getDestinationApiKey(destinationId)).toBe('real0000000000000000000000000000')
  })
})

describe('the start banner', () => {
  // Terminal scrollback, screen shares and captured logs keep what the banner prints.
  it('shows the write key in full only when it generated it; a given or kept key as a hint', async () => {
    const dataDir = tempDir()
    const start = (writeKey?: string) =>
      startService({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        sandbox: true,
        adminToken: 'banner-admin-token',
        logger: pino({ level: 'silent' }),
        ...(writeKey !== undefined ? { writeKey } : {}),
      })

    service = await start()
    const generated = service.writeKey
    expect(service.writeKeyOrigin).toBe('generated')
    expect(banner(service)).toContain(`write key: ${generated}  (generated, shown this once`)
    expect(banner(service)).toContain(`curl -u '${generated}:'`)
    await service.close(2000)

    service = await start()
    expect(service.writeKeyOrigin).toBe('stored')
    expect(banner(service)).not.toContain(generated)
    expect(banner(service)).toContain(`write key: …${generated.slice(-4)}  (kept from an earlier start`)
    expect(banner(service)).toContain("curl -u '<WRITE_KEY>:'")
    await service.close(2000)

    service = await start('wk_given_on_the_command_line')
    expect(service.writeKeyOrigin).toBe('given')
    expect(banner(service)).not.toContain('wk_given_on_the_command_line')
    expect(banner(service)).toContain('write key: …line  (as given: --write-key / WRITE_KEY)')
  })

  it('shows the admin token in full only at the start that made it; later starts show its hint', async () => {
    const dataDir = tempDir()
    const start = () =>
      startService({ port: 0, host: '127.0.0.1', dataDir, sandbox: true, logger: pino({ level: 'silent' }) })

    service = await start()
    expect(service.adminTokenOrigin).toBe('generated')
    const token = service.adminToken as string
    expect(token).toMatch(/^adm_/)
    expect(banner(service)).toContain(
      `admin token: ${token}  (generated and kept in the store, shown this once`,
    )
    const stored = await service.store.getAdminToken()
    expect(stored?.hint).toBe(token.slice(-4))
    expect(stored?.hash).toBe(adminTokenHash(token))
    await service.close(2000)

    service = await start()
    expect(service.adminTokenOrigin).toBe('stored')
    expect(service.adminToken).toBeNull()
    expect(banner(service)).not.toContain(token)
    expect(banner(service)).toContain(`admin token: …${token.slice(-4)}  (kept from an earlier start`)
    expect(banner(service)).toContain('npx iterable-actions admin-token rotate')
  })
})

describe('serve with the sandbox', () => {
  it('guards the admin API, lists and replays dead letters, exports and applies config', async () => {
    const { lines, sink } = logSink()
    service = await startService({
      port: 0,
      host: '127.0.0.1',
      dataDir: tempDir(),
      sandbox: true,
      apiKey: 'very-secret-api-key',
      writeKey: 'wk-admin-test',
      adminToken: 'admin-token-123',
      logger: pino({ level: 'debug', redact: ['apiKey', '*.apiKey'] }, sink),
      delivery: {
        pollMs: 50,
        lingerMs: 20,
        retryBaseMs: 20,
        retryMaxDelayMs: 50,
        retryWindowMs: 200,
        rateLimits: false,
      },
    })
    expect(service.mode).toBe('sandbox')
    const { app, sandbox } = service

    expect((await app.inject('/api/admin/dead-letters')).statusCode).toBe(401)
    expect(
      (await app.inject({ url: '/api/admin/dead-letters', headers: { authorization: 'Bearer wrong-token' } }))
        .statusCode,
    ).toBe(401)

    sandbox!.setFaults({ outageSeconds: 60 })
    const sent = await app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { authorization: basic('wk-admin-test') },
      payload: { userId: 'adm', event: 'Dead Soon', messageId: 'dead-soon' },
    })
    expect(sent.statusCode).toBe(200)
    await waitFor(async () => (await service!.store.listDeadLetters()).items.length === 1)

    const [letter] = (await service.store.listDeadLetters()).items
    expect(letter.statusCode).toBe(503)
    const query = `reason=window&code=${encodeURIComponent(letter.code)}&destination=${letter.destinationId}&from=${new Date(letter.deadAt - 1000).toISOString()}`
    const list = await app.inject({ url: `/api/admin/dead-letters?${query}`, headers: ADMIN })
    expect(list.statusCode).toBe(200)
    const page = list.json<{ items: { id: number; messageId: string; reason: string }[] }>()
    expect(page.items.map((d) => d.messageId)).toEqual(['dead-soon'])
    const none = await app.inject({ url: '/api/admin/dead-letters?reason=nothing-like-this', headers: ADMIN })
    expect(none.json<{ items: unknown[] }>().items).toHaveLength(0)
    const bad = await app.inject({
      method: 'POST',
      url: '/api/admin/dead-letters/replay',
      headers: ADMIN,
      payload: {},
    })
    expect(bad.statusCode).toBe(400)

    sandbox!.setFaults({ outageSeconds: 0 })
    const replay = await app.inject({
      method: 'POST',
      url: '/api/admin/dead-letters/replay',
      headers: ADMIN,
      payload: { ids: [page.items[0].id] },
    })
    expect(replay.json()).toEqual({ replayed: 1 })
    await waitFor(() => (sandbox!.state.project().findByUserId('adm')?.events.length ?? 0) === 1)

    const exported = await app.inject({ url: '/api/admin/config', headers: ADMIN })
    const config = exported.json<{
      destinations: { name: string; settings: Record<string, string>; mappings: unknown[] }[]
      sources: { writeKey: string }[]
    }>()
    expect(config.destinations[0].settings.apiKey).toBe('${ITERABLE_API_KEY}')
    expect(config.destinations[0].mappings).toHaveLength(4)
    expect(config.sources.map((s) => s.writeKey)).toContain('wk-admin-test')
    expect(exported.body).not.toContain('very-secret-api-key')

    // apply: only the Track Calls mapping, batching off
    const applied = await app.inject({
      method: 'PUT',
      url: '/api/admin/config',
      headers: ADMIN,
      payload: {
        destinations: [
          {
            name: 'iterable',
            settings: { apiKey: 'very-secret-api-key' },
            mappings: [{ name: 'Tracks', preset: 'Track Calls', batching: { enabled: false } }],
          },
        ],
      },
    })
    expect(applied.statusCode).toBe(200)
    expect((await service.store.listMappings()).map((m) => m.name)).toEqual(['Tracks'])
    await app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { authorization: basic('wk-admin-test') },
      payload: { userId: 'adm', event: 'After Apply', messageId: 'after-apply' },
    })
    await waitFor(() => (sandbox!.stats.snapshot().endpoints['/api/events/track']?.accepted ?? 0) === 1)

    const invalid = await app.inject({
      method: 'PUT',
      url: '/api/admin/config',
      headers: ADMIN,
      payload: { destinations: [{ name: 'x', settings: { dataCenterLocation: 'mars' }, mappings: [] }] },
    })
    expect(invalid.statusCode).toBe(400)
    expect(invalid.json().error).toMatchObject({
      code: 'INVALID_SETTINGS',
      path: expect.stringMatching(/^body\.destinations\[0\]\.settings/),
      message: expect.stringMatching(/^destinations\[0\]\.settings/),
    })

    expect(lines.join('')).not.toContain('very-secret-api-key')
  })
})
