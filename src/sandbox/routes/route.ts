// The shape of one documented Iterable route: its documented path (as used in stats), method,
// rate limit and handler. The app turns this table into Fastify routes.

import type { OpContext } from '../context.js'

export interface HandlerInput {
  ctx: OpContext
  body: unknown
  params: Record<string, string>
  query: Record<string, string | undefined>
  /** Documented path, e.g. /api/events/trackBulk. */
  route: string
}

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Documented path with {param} placeholders. */
  path: string
  /** Requests per second per project (leaky bucket). */
  ratePerSecond: number
  /** Requests in any 24 hours per project (forget, unforget), when Iterable caps them. */
  dailyCap?: number
  /** Bulk routes get the bulk body limit. */
  bulk?: boolean
  /** Items in a request body (for stats when the whole request fails); default 1 for POST/DELETE, 0 for GET. */
  countItems?: (body: unknown) => number
  handler: (input: HandlerInput) => unknown
}

export const arrayLength =
  (key: string) =>
  (body: unknown): number => {
    if (typeof body !== 'object' || body === null) return 0
    const list = (body as Record<string, unknown>)[key]
    return Array.isArray(list) ? list.length : 0
  }
