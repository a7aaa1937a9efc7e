// Destination helpers shared by resources: the masked view (the API key is never returned), the base
// URL delivery really uses (honouring `--iterable-url` / the sandbox) and a short-lived client.
import type { Delivery } from '../../delivery/delivery.js'
import { IterableClient } from '../../iterable/client/index.js'
import { baseUrl, isDataCenterLocation } from '../../iterable/regions.js'
import { validateSettings, type IterableSettings } from '../../iterable/settings.js'
import { SettingsValidationError } from '../../iterable/errors.js'
import type { Destination, Store } from '../../store/types.js'
import { AdminApiError, notFound } from './errors.js'

/** `{ set, hint }`: the last 4 characters only for keys long enough that 4 say nothing useful. */
export function maskApiKey(apiKey: string | null): { set: boolean; hint: string | null } {
  if (apiKey === null) return { set: false, hint: null }
  return { set: true, hint: apiKey.length >= 12 ? `…${apiKey.slice(-4)}` : '…' }
}

export async function destinationView(
  store: Store,
  delivery: Delivery,
  destination: Destination,
): Promise<Record<string, unknown>> {
  const status = delivery.destinations().find((d) => d.id === destination.id)
  const { apiKey: _never, ...settings } = destination.settings
  return {
    id: destination.id,
    name: destination.name,
    kind: destination.kind,
    enabled: destination.enabled,
    settings: { ...settings, apiKey: maskApiKey(await store.getDestinationApiKey(destination.id)) },
    paused: destination.paused,
    state: status?.state ?? (destination.enabled ? 'not-loaded' : 'disabled'),
    baseUrl: deliveryBaseUrl(delivery, destination.settings.dataCenterLocation),
    createdAt: destination.createdAt,
    updatedAt: destination.updatedAt,
  }
}

/** Where requests for this region go: the service's override (sandbox, `--iterable-url`) or the region. */
export function deliveryBaseUrl(delivery: Delivery, region: unknown): string {
  return delivery.baseUrlOverride ?? baseUrl(isDataCenterLocation(region) ? region : 'united_states')
}

export async function requireDestination(store: Store, id: string): Promise<Destination> {
  const destination = await store.getDestination(id)
  if (destination === null) throw notFound('destination', id)
  return destination
}

/** Validated settings (no key needed), with the failing setting as the error path. */
export function checkSettings(settings: Record<string, unknown>, pathPrefix: string): IterableSettings {
  try {
    return validateSettings(settings, { requireApiKey: false })
  } catch (error) {
    if (error instanceof SettingsValidationError) {
      throw new AdminApiError(
        400,
        'invalid_settings',
        error.message,
        error.setting !== undefined ? `${pathPrefix}.${error.setting}` : pathPrefix,
      )
    }
    throw error
  }
}

/** A client with its own pool for one admin call; the caller closes it. */
export function adminClient(delivery: Delivery, apiKey: string, region: unknown): IterableClient {
  return new IterableClient({ apiKey, baseUrl: deliveryBaseUrl(delivery, region), timeoutMs: 15_000 })
}

/** Replaces every occurrence of the key in a text (a response that echoes it must not leak it). */
export function scrubSecret<T>(value: T, secret: string): T {
  if (secret === '' || value === undefined) return value
  const text = JSON.stringify(value)
  if (text === undefined || !text.includes(secret)) return value
  return JSON.parse(text.split(secret).join('[redacted]')) as T
}
