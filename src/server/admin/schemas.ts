// TypeBox schemas shared by the admin resources: request parts, and every route's answers (the success
// body from shapes/, the one error shape for every 4xx and 5xx).
import { Type, type TSchema } from '@sinclair/typebox'
import { AdminError } from './shapes/common.js'

export const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) })

/** AdminError is shared (`addSchema`): the description names it once, as components.schemas.AdminError. */
const errorRef = (description: string) => Type.Ref(AdminError.$id as string, { description })

/** A route's answers: `status` with `body`, and AdminError for every 4xx and 5xx. */
export function answers(status: 200 | 201, body: TSchema): Record<string, TSchema> {
  return {
    // @fastify/swagger reads the response's description from this keyword and removes it.
    [status]: { ...body, 'x-response-description': status === 201 ? 'Created' : 'OK' },
    '4xx': errorRef(
      'The request is at fault: validation (400), admin token (401), not found (404), conflict (409), body (413, 415)',
    ),
    '5xx': errorRef('Iterable refused (502), the store cannot take work (503), or an internal error (500)'),
  }
}

/** Time in epoch ms or an ISO date (query strings). */
export const TimeParam = Type.String({ description: 'Epoch milliseconds or an ISO 8601 date' })

/** A JSON object whose keys are free (settings, fields, events). */
export { FreeObject as AnyObject } from './shapes/common.js'
