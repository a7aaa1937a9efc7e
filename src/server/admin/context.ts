// What every admin resource gets: the store, the delivery service (reload after configuration
// changes) and route registration that keeps the documentation next to the schema.
import type { FastifyInstance } from 'fastify'
import type { DeliveryService } from '../../delivery/service.js'
import type { Store } from '../../store/types.js'
import { AdminApiError } from './errors.js'

export interface AdminContext {
  store: Store
  delivery: DeliveryService
}

export type Resource = (app: FastifyInstance, context: AdminContext) => void

/** Epoch ms from a query value (epoch ms digits or an ISO date); undefined when absent. */
export function parseTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
  if (!Number.isFinite(ms)) {
    throw new AdminApiError(
      400,
      'validation_failed',
      `${name} must be epoch milliseconds or an ISO date.`,
      `querystring.${name}`,
    )
  }
  return ms
}
