// Iterable data centres and the endpoint catalogue (reference §1.2).

export const DATA_CENTERS = {
  united_states: 'https://api.iterable.com',
  europe: 'https://api.eu.iterable.com',
} as const

export type DataCenterLocation = keyof typeof DATA_CENTERS

export const ENDPOINTS = {
  updateUser: '/api/users/update',
  updateEmail: '/api/users/updateEmail',
  bulkUpdateUser: '/api/users/bulkUpdate',
  trackEvent: '/api/events/track',
  bulkTrackEvent: '/api/events/trackBulk',
  updateCart: '/api/commerce/updateCart',
  trackPurchase: '/api/commerce/trackPurchase',
  getWebhooks: '/api/webhooks',
  registerDeviceToken: '/api/users/registerDeviceToken',
  registerBrowserToken: '/api/users/registerBrowserToken',
  mergeUsers: '/api/users/merge',
} as const

export type EndpointName = keyof typeof ENDPOINTS

/** The bulk endpoints: one request carries many items (D11). */
export const BULK_ENDPOINTS: readonly string[] = Object.freeze([
  ENDPOINTS.bulkUpdateUser,
  ENDPOINTS.bulkTrackEvent,
])

export function isDataCenterLocation(value: unknown): value is DataCenterLocation {
  return value === 'united_states' || value === 'europe'
}

/** Base URL of a validated region. Settings validation (D10) rejects unknown regions before this. */
export function baseUrl(location: DataCenterLocation): string {
  return DATA_CENTERS[location]
}

export function regionalEndpoint(name: EndpointName, location: DataCenterLocation = 'united_states'): string {
  return DATA_CENTERS[location] + ENDPOINTS[name]
}

/**
 * A data centre as a person may write it: `united_states`/`europe` (the setting's values) or
 * `US`/`EU` (Iterable's own names, as `sandbox --data-center` takes them), in any case.
 */
export function parseDataCenterLocation(value: string): DataCenterLocation | undefined {
  const lower = value.trim().toLowerCase()
  if (lower === 'united_states' || lower === 'us') return 'united_states'
  if (lower === 'europe' || lower === 'eu') return 'europe'
  return undefined
}
