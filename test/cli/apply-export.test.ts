// `apply` and `export` against the service's real admin API (createServer over a SQLite store) on a
// real socket: local validation, change listing, round trip, secrets never exported, wrong token.
import { parse as parseYaml } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AdminApiError, resolveTarget, AdminUsageError } from '../../src/cli/admin-client.js'
import { formatApply, runApply } from '../../src/cli/apply.js'
import { redactConfig, runExport } from '../../src/cli/export.js'
import { ConfigError, parseConfig } from '../../src/config/index.js'
import type { ConfigFile } from '../../src/config/index.js'
import type { Store } from '../../src/store/index.js'
import { startAdminServer, type AdminServer } from './admin-server.js'

const TOKEN = 'admin-token-for-tests'
const API_KEY = 'apikey_secret_0123456789abcdef'
const WRITE_KEY = 'wk_secret_web_987'
const env = { ITERABLE_API_KEY: API_KEY, WEB_WRITE_KEY: WRITE_KEY }

let server: AdminServer
let store: Store
let url: string

beforeAll(async () => {
  server = await startAdminServer(TOKEN, 'apply-test-')
  ;({ store, url } = server)
})
afterAll(async () => {
  await server?.close()
})

const file = (name: string, text: string): string => server.file(name, text)

const CONFIG = `
sources:
  - name: web
    writeKey: \${WEB_WRITE_KEY}
destinations:
  - name: iterable-prod
    settings:
      apiKey: \${ITERABLE_API_KEY}
      dataCenterLocation: united_states
    mappings:
      - name: Track Calls
        preset: Track Calls
      - name: Signed Up
        trigger: type = "track" and event = "Signed Up"
        action: trackEvent
        fields:
          userId: { "@path": "$.userId" }
          eventName: { "@path": "$.event" }
          dataFields: { "@path": "$.properties" }
`

describe('apply and export', () => {
  it('applies a file, lists what changed, exports it back without secrets', async () => {
    const target = { url, token: TOKEN }
    const first = await runApply({ file: file('one.yaml', CONFIG), target, env })
    expect(first.changes).toEqual([
      'source "web": added',
      'destination "iterable-prod": added (2 mappings, API key set)',
    ])
    expect(first.answer?.mappings).toBe(2)
    expect(formatApply(first, false)).toMatch(/applied: 2 mappings in 1 destination/)
    expect(await store.findSourceByWriteKey(WRITE_KEY)).not.toBeNull()

    const exported = await runExport({ target })
    expect(exported.yaml).not.toContain(API_KEY)
    expect(exported.yaml).not.toContain(WRITE_KEY)
    expect(exported.variables.sort()).toEqual(['ITERABLE_ACTIONS_WRITE_KEY', 'ITERABLE_API_KEY'])
    const parsed = parseYaml(exported.yaml) as ConfigFile
    expect(parsed.destinations?.map((d) => d.name)).toContain('iterable-prod')
    const prod = parsed.destinations?.find((d) => d.name === 'iterable-prod')
    expect(prod?.settings?.apiKey).toBe('${ITERABLE_API_KEY}')
    expect(prod?.mappings?.map((m) => m.name)).toEqual(['Track Calls', 'Signed Up'])
    // The export is a valid configuration file.
    expect(() =>
      parseConfig(parsed, 'exported.yaml', { env: { ...env, ITERABLE_ACTIONS_WRITE_KEY: WRITE_KEY } }),
    ).not.toThrow()

    // Round trip: applying the export changes nothing at all (the same key resolves to the stored one).
    const again = await runApply({
      file: file('exported.yaml', exported.yaml),
      target,
      env: { ...env, ITERABLE_ACTIONS_WRITE_KEY: WRITE_KEY },
    })
    expect(again.changes).toEqual([])
    expect(formatApply(again, false)).toMatch(/^no changes\n/)
  })

  it('names changed, added and removed mappings; --dry-run applies nothing', async () => {
    const target = { url, token: TOKEN }
    await runApply({ file: file('base.yaml', CONFIG), target, env })
    const edited = CONFIG.replace('event = "Signed Up"', 'event = "Account Created"').replace(
      'name: Track Calls\n        preset: Track Calls',
      'name: Identify Calls\n        preset: Identify Calls',
    )
    const dry = await runApply({ file: file('edited.yaml', edited), target, env, dryRun: true })
    expect(dry.answer.dryRun).toBe(true)
    expect(formatApply(dry, true)).toMatch(
      /would change:[\s\S]*dry run: checked by the service, nothing applied/,
    )
    expect(dry.changes).toEqual(
      expect.arrayContaining([
        '  mapping "Identify Calls" added (updateUser)',
        '  mapping "Signed Up" changed: trigger',
        '  mapping "Track Calls" removed',
      ]),
    )
    const before = await store.listDestinations()
    const prod = before.find((d) => d.name === 'iterable-prod')
    expect((await store.listMappings(prod!.id)).map((m) => m.name)).toEqual(['Track Calls', 'Signed Up'])

    const applied = await runApply({ file: file('edited.yaml', edited), target, env })
    expect(applied.answer?.mappings).toBe(2)
    expect((await store.listMappings(prod!.id)).map((m) => m.name)).toEqual(['Identify Calls', 'Signed Up'])
  })

  it('rejects an invalid file locally, naming the file and the path', async () => {
    const bad = file('bad.yaml', CONFIG.replace('action: trackEvent', 'action: sendSms'))
    const error = await runApply({ file: bad, target: { url, token: TOKEN }, env }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toMatch(/bad\.yaml: destinations\[0\]\.mappings\[1\]\.action/)

    const missing = await runApply({
      file: file('env.yaml', CONFIG),
      target: { url, token: TOKEN },
      env: {},
    }).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(ConfigError)
    expect((missing as ConfigError).code).toBe('MISSING_ENV')
  })

  it('reports a wrong admin token without echoing it', async () => {
    const error = await runApply({
      file: file('t.yaml', CONFIG),
      target: { url, token: 'wrong-token-xyz' },
      env,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AdminApiError)
    expect((error as AdminApiError).status).toBe(401)
    expect((error as AdminApiError).code).toBe('unauthorized')
    expect((error as AdminApiError).message).toMatch(/Admin token required.*--admin-token/)
    expect((error as AdminApiError).message).not.toContain('wrong-token-xyz')
  })

  it("reports the service's own refusal (code, message with the path) from the one error shape", async () => {
    // --server-env leaves ${WEB_WRITE_KEY} for the service, whose environment does not have it.
    delete process.env.WEB_WRITE_KEY
    const error = await runApply({
      file: file('server-env.yaml', CONFIG),
      target: { url, token: TOKEN },
      env,
      serverEnv: true,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AdminApiError)
    const refused = error as AdminApiError
    expect(refused.status).toBe(400)
    expect(refused.code).toBe('MISSING_ENV')
    expect(refused.message).toMatch(
      /^PUT \/api\/admin\/config: HTTP 400: sources\[0\]\.writeKey: .*WEB_WRITE_KEY/,
    )
    expect(refused.body).toMatchObject({ error: { code: 'MISSING_ENV', path: 'body.sources[0].writeKey' } })
  })

  it('takes the URL and token from the environment, and says which is missing', () => {
    expect(resolveTarget({}, { ITERABLE_ACTIONS_URL: 'http://127.0.0.1:1', ADMIN_TOKEN: 't' })).toEqual({
      url: 'http://127.0.0.1:1',
      token: 't',
    })
    expect(resolveTarget({ url: 'http://h:2', adminToken: 'x' }, { ADMIN_TOKEN: 't' })).toEqual({
      url: 'http://h:2',
      token: 'x',
    })
    expect(() => resolveTarget({}, {})).toThrow(AdminUsageError)
    expect(() => resolveTarget({ url: 'http://h:2' }, {})).toThrow(/ADMIN_TOKEN/)
    expect(() => resolveTarget({ url: 'not a url', adminToken: 'x' }, {})).toThrow(/not a URL/)
  })

  it('redacts every key, one variable per destination when there are several', () => {
    const redacted = redactConfig({
      sources: [
        { name: 'web', writeKey: 'a' },
        { name: 'iOS app', writeKey: 'b' },
      ],
      destinations: [
        { name: 'us', settings: { apiKey: '${ITERABLE_API_KEY}' } },
        { name: 'eu', settings: { apiKey: '${ITERABLE_API_KEY}', dataCenterLocation: 'europe' } },
        { name: 'off', enabled: false, settings: {} },
      ],
    })
    expect(redacted.sources?.map((s) => s.writeKey)).toEqual([
      '${ITERABLE_ACTIONS_WRITE_KEY_WEB}',
      '${ITERABLE_ACTIONS_WRITE_KEY_IOS_APP}',
    ])
    expect(redacted.destinations?.map((d) => d.settings?.apiKey)).toEqual([
      '${ITERABLE_API_KEY_US}',
      '${ITERABLE_API_KEY_EU}',
      undefined,
    ])
  })
})
