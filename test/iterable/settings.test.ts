import { describe, expect, it } from 'vitest'
import { AuthenticationError, testAuthentication } from '../../src/iterable/auth.js'
import { SettingsValidationError } from '../../src/iterable/errors.js'
import { regionalEndpoint } from '../../src/iterable/regions.js'
import { PREVIEW_API_KEY_PLACEHOLDER, validateSettings } from '../../src/iterable/settings.js'
import { iterableDestination } from '../../src/iterable/destination.js'
import type { IterableClient } from '../../src/iterable/client/index.js'

function settingsError(raw: unknown): SettingsValidationError {
  try {
    validateSettings(raw)
  } catch (error) {
    if (error instanceof SettingsValidationError) return error
    throw error
  }
  throw new Error('expected a SettingsValidationError')
}

describe('settings (reference §1, D10)', () => {
  it('defaults to united_states and keeps europe', () => {
    expect(validateSettings({ apiKey: 'k' })).toEqual({ apiKey: 'k', dataCenterLocation: 'united_states' })
    expect(validateSettings({ apiKey: 'k', dataCenterLocation: 'europe' }).dataCenterLocation).toBe('europe')
  })

  it('D10: an unknown region is rejected with the reference settings message, never sent to the US', () => {
    const error = settingsError({ apiKey: 'k', dataCenterLocation: 'asia' })
    expect(error.message).toBe('Data Center Location must be one of: "united_states" or "europe".')
    expect(error.setting).toBe('dataCenterLocation')
    expect(error.code).toBe('INVALID_SETTINGS')
  })

  it('the API key is required (except for preview, which uses a placeholder)', () => {
    expect(settingsError({}).message).toBe('API Key (apiKey) is required.')
    expect(settingsError({ apiKey: 5 }).setting).toBe('apiKey')
    expect(validateSettings({}, { requireApiKey: false }).apiKey).toBe(PREVIEW_API_KEY_PLACEHOLDER)
  })

  it('projectType: email, userId, hybrid; anything else rejected; email not in europe', () => {
    expect(validateSettings({ apiKey: 'k', projectType: 'hybrid' }).projectType).toBe('hybrid')
    expect(validateSettings({ apiKey: 'k', projectType: '' })).not.toHaveProperty('projectType')
    expect(settingsError({ apiKey: 'k', projectType: 'emails' }).message).toBe(
      'Project Type must be one of: "email", "userId" or "hybrid".',
    )
    expect(settingsError({ apiKey: 'k', projectType: 'email', dataCenterLocation: 'europe' }).setting).toBe(
      'projectType',
    )
  })

  it('settings must be an object; unknown keys are dropped', () => {
    expect(settingsError(null).message).toBe('Settings must be an object.')
    expect(validateSettings({ apiKey: 'k', extra: 1 })).not.toHaveProperty('extra')
  })

  it('D3/D4 of §5.1: regional endpoints', () => {
    expect(regionalEndpoint('updateUser', 'europe')).toBe('https://api.eu.iterable.com/api/users/update')
    expect(regionalEndpoint('updateCart')).toBe('https://api.iterable.com/api/commerce/updateCart')
  })

  it('the definition names the destination, its settings, the actions and presets', () => {
    expect(iterableDestination.name).toBe('Iterable (Actions)')
    expect(iterableDestination.slug).toBe('actions-iterable')
    expect(Object.keys(iterableDestination.actions)).toEqual([
      'updateUser',
      'trackEvent',
      'updateCart',
      'trackPurchase',
      'updateSubscriptions',
      'registerDeviceToken',
      'mergeUsers',
      'syncAudience',
    ])
    expect(iterableDestination.settings.apiKey.type).toBe('password')
    expect(iterableDestination.presets.filter((p) => p.type === 'automatic').map((p) => p.name)).toEqual([
      'Track Calls',
      'Identify Calls',
      'Update Cart Calls',
      'Order Completed Calls',
    ])
    expect(iterableDestination.presets).toHaveLength(20)
    // Segment's "Iterable Lists (Actions)" presets, for syncAudience.
    expect(
      iterableDestination.presets.filter((p) => p.partnerAction === 'syncAudience').map((p) => p.name),
    ).toEqual([
      'Entities Audience Membership Changed (Lists)',
      'Associated Entity Added (Lists)',
      'Associated Entity Removed (Lists)',
      'Journeys Step Entered (Lists)',
    ])
    expect(iterableDestination.presets.filter((p) => p.type === 'optional').map((p) => p.name)).toEqual([
      'Subscriptions Updated Calls',
      'Device Token Calls',
      'Alias Calls',
      'Page Calls',
      'Screen Calls',
    ])
  })
})

describe('testAuthentication (reference §1.3, §5.1 D1/D2)', () => {
  function fakeClient(status: number, kind: 'success' | 'auth' | 'permanent') {
    const sent: unknown[] = []
    const client = {
      async send(request: unknown) {
        sent.push(request)
        return {
          status,
          body: {},
          headers: {},
          durationMs: 1,
          outcome: { kind, policy: 'drop', code: 'x', status, message: 'm' },
        }
      },
    } as unknown as Pick<IterableClient, 'send'>
    return { client, sent }
  }

  it('GET /api/webhooks; 2xx resolves', async () => {
    const { client, sent } = fakeClient(200, 'success')
    await expect(testAuthentication(client)).resolves.toBeUndefined()
    expect(sent).toEqual([{ method: 'GET', path: '/api/webhooks' }])
  })

  it('401 → Credentials are invalid: 401 Unauthorized', async () => {
    const { client } = fakeClient(401, 'auth')
    const failure = testAuthentication(client)
    await expect(failure).rejects.toBeInstanceOf(AuthenticationError)
    await expect(failure).rejects.toThrow('Credentials are invalid: 401 Unauthorized')
  })
})
