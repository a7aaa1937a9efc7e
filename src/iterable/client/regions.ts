import { IterableClientConfigError } from './errors.js'

/** Iterable data centres (the `dataCenterLocation` setting) and their API base URLs. */
export const ITERABLE_REGIONS = {
  united_states: 'https://api.iterable.com',
  europe: 'https://api.eu.iterable.com',
} as const

export type IterableRegion = keyof typeof ITERABLE_REGIONS

export function isIterableRegion(value: unknown): value is IterableRegion {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ITERABLE_REGIONS, value)
}

/**
 * Base URL of a region. An unknown region is an error (D10): data must never go to a data centre
 * the user did not choose.
 */
export function regionBaseUrl(region: string): string {
  if (!isIterableRegion(region)) {
    throw new IterableClientConfigError(
      'UNKNOWN_REGION',
      `Unknown Iterable data center location "${region}"; expected one of: ${Object.keys(ITERABLE_REGIONS).join(', ')}`,
    )
  }
  return ITERABLE_REGIONS[region]
}
