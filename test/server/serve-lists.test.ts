// Sync To Iterable Lists (issue 16 item 2) end to end: a configuration file with the list presets,
// `serve` against the sandbox's EU data center (L2), Engage audience events posted to /v1/identify and
// /v1/track: members end up in the sandbox's lists, an audience without a list id gets its list by the
// audience key (created once, the id then cached: no second lookup), and leaving removes the member.
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

const CONFIG = `
destinations:
  - name: iterable
    settings: { dataCenterLocation: europe, projectType: hybrid, apiKey: lists-eu-key }
    mappings:
      - name: Audience identify
        preset: Entities Audience Membership Changed (Lists)
        trigger: 'type = "identify" and context.personas.computation_class = "audience"'
      - name: Audience track
        preset: Associated Entity Added (Lists)
        trigger: 'type = "track" and event = "Audience Entered"'
`

const WRITE_KEY = 'wk-lists'

function post(kind: 'identify' | 'track', body: Record<string, unknown>) {
  return service!.app.inject({
    method: 'POST',
    url: `/v1/${kind}`,
    headers: {
      authorization: 'Basic ' + Buffer.from(`${WRITE_KEY}:`).toString('base64'),
      'content-type': 'application/json',
    },
    payload: body,
  })
}

const personas = (key: string, listId?: string) => ({
  personas: {
    computation_key: key,
    computation_class: 'audience',
    ...(listId !== undefined ? { external_audience_id: listId } : {}),
  },
})

const drained = async () =>
  (await service!.store.deliveryStats()).every((s) => s.behind === 0 && s.lanes.length === 0)

describe('serve with Sync To Iterable Lists', () => {
  it('EU project: members join and leave lists; a list found by audience key once', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ia-lists-'))
    const configFile = path.join(dir, 'config.yaml')
    writeFileSync(configFile, CONFIG)
    sandbox = await startSandbox({
      port: 0,
      rateLimits: false,
      projects: [{ type: 'hybrid', dataCenter: 'EU', apiKeys: ['lists-eu-key'] }],
    })
    service = await startService({
      port: 0,
      host: '127.0.0.1',
      dataDir: path.join(dir, 'data'),
      // The sandbox's EU data center (its `/eu` prefix), as api.eu.iterable.com would be.
      iterableUrl: sandbox.urls.EU,
      config: configFile,
      adminToken: 'test-admin-token-lists',
      writeKey: WRITE_KEY,
      logger: pino({ level: 'silent' }),
      delivery: { pollMs: 50, lingerMs: 50, rateLimits: false, requestBodies: 'all' },
    })
    const project = sandbox.state.project()
    const listsOf = (userId: string) =>
      project.findByUserId(userId)?.dataFields.userListIds as number[] | undefined

    // With a list id: identify (traits) and track (properties).
    expect(
      (
        await post('identify', {
          userId: 'l-1',
          traits: { email: 'l1@example.com', vip: true },
          context: personas('vip', '70'),
        })
      ).statusCode,
    ).toBe(200)
    expect(
      (
        await post('track', {
          userId: 'l-2',
          event: 'Audience Entered',
          properties: { email: 'l2@example.com', vip: true },
          context: personas('vip', '70'),
        })
      ).statusCode,
    ).toBe(200)
    await waitFor(() => listsOf('l-1')?.length === 1 && listsOf('l-2')?.length === 1, 15_000)
    expect(listsOf('l-1')).toEqual([70])
    expect(listsOf('l-2')).toEqual([70])

    // Without one: the list "winback" is created, then found in the cache.
    await post('identify', { userId: 'l-3', traits: { winback: true }, context: personas('winback') })
    await waitFor(() => listsOf('l-3')?.length === 1, 15_000)
    const [created] = project.createdLists
    expect(created).toMatchObject({ name: 'winback' })
    expect(listsOf('l-3')).toEqual([created.id])
    const lookups = sandbox.stats.snapshot().endpoints['/api/lists']?.requests
    expect(lookups).toEqual({ '200': 2 })
    await post('identify', { userId: 'l-4', traits: { winback: true }, context: personas('winback') })
    await post('identify', { userId: 'l-1', traits: { vip: false }, context: personas('vip', '70') })
    await waitFor(() => listsOf('l-4')?.length === 1 && listsOf('l-1')?.length === 0, 15_000)
    await waitFor(drained)
    expect(listsOf('l-4')).toEqual([created.id])
    expect(sandbox.stats.snapshot().endpoints['/api/lists']?.requests).toEqual({ '200': 2 })
    expect(project.createdLists).toHaveLength(1)
    expect((await service.store.listDeadLetters()).items).toEqual([])
  }, 30_000)
})
