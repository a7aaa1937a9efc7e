// What every admin resource gets: the store, the delivery service (reload after configuration
// changes) and route registration that keeps the documentation next to the schema.
import type { FastifyInstance } from 'fastify'
import type { Delivery } from '../../delivery/delivery.js'
import type { Store } from '../../store/types.js'
import { AdminApiError } from './errors.js'

export interface AdminContext {
  store: Store
  delivery: Delivery
}

export type Resource = (app: FastifyInstance, context: AdminContext) => void

/**
 * Epoch ms from a request value (epoch ms as a number or digits, or an ISO date); undefined when
 * absent. `where` is the error path's prefix (`querystring.from`, `body.filter.from`).
 */
export function parseTime(
  value: unknown,
  name: string,
  where = 'querystring',
  code = 'validation_failed',
): number | undefined {
  if (value === undefined || value === '') return undefined
  // A number or a text; anything else (an object in a JSON body …) is shown as JSON in the message.
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number'
        ? String(value)
        : (JSON.stringify(value) ?? '')
  const ms =
    typeof value === 'number'
      ? value
      : typeof value !== 'string'
        ? NaN
        : /^\d+$/.test(text)
          ? Number(text)
          : Date.parse(text)
  if (!Number.isFinite(ms)) {
    throw new AdminApiError(
      400,
      code,
      `${name} must be epoch milliseconds or an ISO date (got "${text.slice(0, 60)}").`,
      `${where}.${name}`,
    )
  }
  return ms
}
