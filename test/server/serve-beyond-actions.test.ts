// Issue 16 end to end: a configuration file (config-as-code) enabling the optional presets, `serve`
// with the built-in sandbox, events posted to /v1/batch: subscriptions, a device token, page and
// screen views and a merge arrive in the sandbox; the configuration exports again as written.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { exportConfig } from '../../src/config/index.js'
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

const CONFIG = `
destinations:
  - name: iterable
    settings: { dataCenterLocation: united_states, apiKey: beyond-test-key }
    mappings:
      - { name: Identify Calls, preset: Identify Calls }
      - { name: Track Calls, preset: Track Calls, trigger: 'type = "track" and event != "Subscriptions Updated"' }
      - name: Subscriptions Updated Calls
        preset: Subscriptions Updated Calls
        fields:
          subscriptions:
            - { subscription_group_type: messageChannel, subscription_group_id: "1", action: unsubscribe }
            - { subscription_group_type: messageType, subscription_group_id: "12", action: subscribe }
      - { name: Device Token Calls, preset: Device Token Calls }
      - { name: Alias Calls, preset: Alias Calls }
      - { name: Page Calls, preset: Page Calls }
      - { name: Screen Calls, preset: Screen Calls }
`

describe('serve with the actions beyond the reference four', () => {
  it('config file → serve → sandbox: subscriptions, tokens, pages, screens and a merge arrive', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ia-beyond-'))
    const configFile = path.join(dir, 'config.yaml')
    writeFileSync(configFile, CONFIG)
    sandbox = await startSandbox({ port: 0, rateLimits: false, projects: [{ apiKeys: ['beyond-test-key'] }] })
    service = await startService({
      port: 0,
      host: '127.0.0.1',
      dataDir: path.join(dir, 'data'),
      iterableUrl: sandbox.url,
      config: configFile,
      adminToken: 'test-admin-token-beyond',
      writeKey: 'wk-beyond',
      logger: pino({ level: 'silent' }),
      delivery: { pollMs: 50, lingerMs: 50, rateLimits: false, requestBodies: 'all' },
    })
    const batch = [
      { type: 'identify', userId: 'b-1', traits: { email: 'b1@example.com' }, messageId: 'b-identify' },
      {
        type: 'identify',
        userId: 'b-1',
        traits: { email: 'b1@example.com' },
        context: { device: { token: 'apns-b1', type: 'ios' }, app: { namespace: 'com.example' } },
        messageId: 'b-device',
      },
      {
        type: 'track',
        userId: 'b-1',
        event: 'Subscriptions Updated',
        properties: { email: 'b1@example.com' },
        messageId: 'b-subs',
      },
      { type: 'page', userId: 'b-1', name: 'Pricing', properties: { path: '/pricing' }, messageId: 'b-page' },
      { type: 'screen', userId: 'b-1', properties: {}, messageId: 'b-screen' },
      { type: 'identify', userId: 'b-2', traits: { email: 'b2@example.com' }, messageId: 'b2-identify' },
      { type: 'alias', previousId: 'b-2', userId: 'b-1', messageId: 'b-alias' },
    ]
    const response = await service.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: {
        authorization: 'Basic ' + Buffer.from('wk-beyond:').toString('base64'),
        'content-type': 'application/json',
      },
      payload: { batch },
    })
    expect(response.statusCode).toBe(200)
    const project = sandbox.state.project()
    await waitFor(
      () => project.findByUserId('b-2') === undefined && project.findByUserId('b-1')?.events.length === 2,
      15_000,
    )
    await waitFor(async () =>
      (await service!.store.deliveryStats()).every((s) => s.behind === 0 && s.lanes.length === 0),
    )
    const user = project.findByUserId('b-1')
    expect(user?.dataFields).toMatchObject({
      devices: [{ token: 'apns-b1', platform: 'APNS', applicationName: 'com.example' }],
      unsubscribedChannelIds: [1],
      subscribedMessageTypeIds: [12],
    })
    expect(user?.events.map((e) => e.eventName).sort()).toEqual(['Loaded a Screen', 'Pricing Page'])
    expect((await service.store.listDeadLetters()).items).toEqual([])

    // Config-as-code: the stored mappings export with their actions and fields.
    const exported = await exportConfig(service.store)
    const mappings = exported.destinations?.[0].mappings ?? []
    expect(mappings.map((m) => [m.name, m.action])).toEqual([
      ['Identify Calls', 'updateUser'],
      ['Track Calls', 'trackEvent'],
      ['Subscriptions Updated Calls', 'updateSubscriptions'],
      ['Device Token Calls', 'registerDeviceToken'],
      ['Alias Calls', 'mergeUsers'],
      ['Page Calls', 'trackEvent'],
      ['Screen Calls', 'trackEvent'],
    ])
    expect(mappings[2].fields?.subscriptions).toEqual([
      { subscription_group_type: 'messageChannel', subscription_group_id: '1', action: 'unsubscribe' },
      { subscription_group_type: 'messageType', subscription_group_id: '12', action: 'subscribe' },
    ])
  }, 30_000)
})
