// Push tokens (issue 16 item 3) and merges (item 4) sent by the real delivery service to the sandbox,
// through the optional presets "Device Token Calls" and "Alias Calls"; a merge waits for the source
// user's earlier items, even when those are being retried.
import { afterEach, describe, expect, it } from 'vitest'
import { defaultMappings, presetMapping } from '../../src/config/index.js'
import { findPreset } from '../../src/iterable/presets.js'
import type { MappingConfig } from '../../src/iterable/mappings.js'
import { attemptsLog, createHarness, drained, identify, track, type Harness } from './harness.js'

let harness: Harness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

function preset(name: string): MappingConfig {
  const found = findPreset(name)
  if (found === undefined) throw new Error(`no preset ${name}`)
  return presetMapping(found)
}

function withDevice(userId: string, email: string, device: Record<string, unknown>): Record<string, unknown> {
  return { ...identify(userId, email), context: { device, app: { namespace: 'com.example.app' } } }
}

describe('Device Token Calls', () => {
  it('registers iOS and Android tokens on the profile, a web token as a browser token', async () => {
    harness = await createHarness({ mappings: [preset('Identify Calls'), preset('Device Token Calls')] })
    const h = harness
    await h.send([
      withDevice('u-ios', 'ios@example.com', { token: 'apns-1', type: 'ios' }),
      withDevice('u-and', 'and@example.com', { token: 'fcm-1', type: 'android' }),
      withDevice('u-web', 'web@example.com', { token: 'web-1', type: 'web' }),
      identify('u-plain', 'plain@example.com'),
    ])
    await h.waitFor(() => drained(h.store))
    const project = h.sandbox.state.project()
    expect(project.findByUserId('u-ios')?.dataFields.devices).toEqual([
      { token: 'apns-1', platform: 'APNS', applicationName: 'com.example.app', endpointEnabled: true },
    ])
    expect(project.findByUserId('u-and')?.dataFields.devices).toMatchObject([
      { token: 'fcm-1', platform: 'GCM' },
    ])
    expect(project.findByUserId('u-web')?.dataFields.browserTokens).toEqual(['web-1'])
    expect(project.findByUserId('u-plain')?.dataFields.devices).toBeUndefined()
    const endpoints = (await attemptsLog(h)).map((a) => a.endpoint)
    expect(endpoints.filter((e) => e === '/api/users/registerDeviceToken')).toHaveLength(2)
    expect(endpoints.filter((e) => e === '/api/users/registerBrowserToken')).toHaveLength(1)
  })
})

describe('Alias Calls', () => {
  it('merges previousId into userId after the source user’s earlier items, even retried ones', async () => {
    harness = await createHarness({ mappings: [...defaultMappings(), preset('Alias Calls')] })
    const h = harness
    const project = h.sandbox.state.project()
    await h.send([identify('u-old', 'old@example.com'), identify('u-new', 'new@example.com')])
    await h.waitFor(
      () => project.findByUserId('u-new') !== undefined && project.findByUserId('u-old') !== undefined,
    )
    await h.waitFor(() => drained(h.store))
    // Every request fails for a second: the source's custom event is parked for a retry, and the
    // merge behind it must not overtake it (it would strand the event on a re-created source user).
    h.sandbox.setFaults({ outageSeconds: 1 })
    await h.send([
      track('u-old', 'Viewed Pricing', {}, 'ev-old'),
      { type: 'alias', previousId: 'u-old', userId: 'u-new', messageId: 'alias-1' },
    ])
    await h.waitFor(() => project.findByUserId('u-old') === undefined, 15_000)
    await h.waitFor(() => drained(h.store), 15_000)
    expect(project.findByUserId('u-old')).toBeUndefined()
    const merged = project.findByUserId('u-new')
    expect(merged?.events.map((e) => e.eventName)).toEqual(['Viewed Pricing'])
    const delivered = (await attemptsLog(h)).filter((a) => a.status === 200).map((a) => a.endpoint)
    expect(delivered.indexOf('/api/events/track')).toBeLessThan(delivered.indexOf('/api/users/merge'))
    expect((await attemptsLog(h)).find((a) => a.endpoint === '/api/users/merge')?.body).toEqual({
      sourceUserId: 'u-old',
      destinationUserId: 'u-new',
    })
  }, 30_000)

  it('a merge of an unknown user is a dead letter with the sandbox’s 400', async () => {
    harness = await createHarness({ mappings: [preset('Alias Calls')] })
    const h = harness
    await h.send([{ type: 'alias', previousId: 'ghost', userId: 'nobody', messageId: 'alias-2' }])
    await h.waitFor(async () => (await h.store.listDeadLetters()).items.length === 1)
    const [letter] = (await h.store.listDeadLetters()).items
    expect(letter).toMatchObject({ statusCode: 400, code: 'BadParams' })
    expect(letter.reason).toContain('Source user does not exist')
  })
})
