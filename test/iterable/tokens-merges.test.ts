// Register Push Token (issue 16 item 3) and Merge Users (item 4): their requests and refusals through
// preview, and the ordering keys of a merge.
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config/load.js'
import { orderingKeys } from '../../src/iterable/ordering-keys.js'
import { previewEvent } from '../../src/preview/preview-event.js'
import { testEvent } from './helpers.js'

function config(preset: string, fields: Record<string, unknown> = {}) {
  return parseConfig(
    { destinations: [{ name: 'iterable', mappings: [{ name: preset, preset, fields }] }] },
    'test',
    { preview: true },
  )
}

const first = (line: { results: unknown[] }) => line.results[0] as Record<string, any>

const deviceIdentify = (device: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  testEvent({
    type: 'identify',
    messageId: 'd1',
    userId: 'u1',
    traits: { email: 'ann@example.com' },
    context: { device, app: { namespace: 'com.example.app' } },
    ...extra,
  })

describe('Register Push Token', () => {
  const tokens = config('Device Token Calls')

  it('iOS → APNS, with the app namespace as applicationName', () => {
    const result = first(previewEvent(tokens, deviceIdentify({ token: 't1', type: 'ios' })))
    expect(result.requests[0]).toMatchObject({
      method: 'POST',
      url: 'https://api.iterable.com/api/users/registerDeviceToken',
      body: {
        email: 'ann@example.com',
        userId: 'u1',
        device: { token: 't1', platform: 'APNS', applicationName: 'com.example.app' },
      },
    })
  })

  it('APNS_SANDBOX when the field says so; android → GCM; an explicit platform wins', () => {
    const platform = (fields: Record<string, unknown>, device: Record<string, unknown>) =>
      first(previewEvent(config('Device Token Calls', fields), deviceIdentify(device))).requests[0].body
        .device.platform
    expect(platform({ apnsSandbox: true }, { token: 't', type: 'iOS' })).toBe('APNS_SANDBOX')
    expect(platform({}, { token: 't', type: 'android' })).toBe('GCM')
    expect(platform({ platform: 'GCM' }, { token: 't', type: 'ios' })).toBe('GCM')
  })

  it('a web device registers a browser token', () => {
    const result = first(previewEvent(tokens, deviceIdentify({ token: 'w1', type: 'web' })))
    expect(result.requests[0]).toMatchObject({
      url: 'https://api.iterable.com/api/users/registerBrowserToken',
      body: { email: 'ann@example.com', userId: 'u1', browserToken: 'w1' },
    })
  })

  it('refusals say what is missing', () => {
    const error = (event: Record<string, unknown>) => first(previewEvent(tokens, event)).error
    expect(error(deviceIdentify({ token: 't', type: 'tvos' }))).toEqual({
      message: 'Unsupported device type "tvos": expected ios, android or web, or set Platform.',
      code: 'PAYLOAD_VALIDATION_FAILED',
    })
    expect(
      error(
        deviceIdentify({ token: 't', type: 'ios' }, { context: { device: { token: 't', type: 'ios' } } }),
      ),
    ).toMatchObject({ message: expect.stringMatching(/^Missing application name/) })
    expect(
      error(deviceIdentify({ token: 't', type: 'ios' }, { userId: undefined, anonymousId: 'a', traits: {} })),
    ).toMatchObject({ message: 'Must include email or userId.' })
  })

  it('the preset takes identify calls with a device token only', () => {
    expect(
      previewEvent(tokens, testEvent({ type: 'identify', messageId: 'x', userId: 'u' })).results,
    ).toEqual([])
  })
})

describe('Merge Users', () => {
  const aliases = config('Alias Calls')
  const alias = (extra: Record<string, unknown> = {}) =>
    testEvent({ type: 'alias', messageId: 'a1', previousId: 'old', userId: 'new', ...extra })

  it('previousId into userId through /api/users/merge', () => {
    expect(first(previewEvent(aliases, alias())).requests[0]).toMatchObject({
      method: 'POST',
      url: 'https://api.iterable.com/api/users/merge',
      body: { sourceUserId: 'old', destinationUserId: 'new' },
    })
  })

  it('refuses a merge without a destination, or of a user into itself', () => {
    expect(first(previewEvent(aliases, alias({ userId: 'old' }))).error.message).toBe(
      'The source and the destination are the same user: nothing to merge.',
    )
    const emailOnly = config('Alias Calls', { destinationUserId: { '@path': '$.traits.none' } })
    expect(first(previewEvent(emailOnly, alias())).error.message).toBe(
      'Must include the destination user: destinationEmail or destinationUserId.',
    )
  })

  it('its ordering keys name both users, so the source’s earlier items go first', () => {
    expect(
      orderingKeys({
        action: 'mergeUsers',
        endpoint: '/api/users/merge',
        item: { sourceUserId: 'old', sourceEmail: 'Old@Example.com', destinationUserId: 'new' },
      }),
    ).toEqual(['u:old', 'e:old@example.com', 'u:new'])
  })
})
