// Authentication test (reference §1.3): GET /api/webhooks with the API key; any 2xx is valid.
import { STATUS_CODES } from 'node:http'
import type { IterableClient } from './client/index.js'
import { ENDPOINTS } from './regions.js'

export class AuthenticationError extends Error {
  readonly code = 'INVALID_CREDENTIALS'
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`Credentials are invalid: ${status} ${detail}`)
    this.name = 'AuthenticationError'
  }
}

/** Resolves when Iterable accepts the client's API key; rejects with `Credentials are invalid: 401 Unauthorized` etc. */
export async function testAuthentication(client: Pick<IterableClient, 'send'>): Promise<void> {
  const response = await client.send({ method: 'GET', path: ENDPOINTS.getWebhooks })
  if (response.outcome.kind === 'success') return
  const status = response.status
  const detail = status > 0 ? (STATUS_CODES[status] ?? 'Error') : response.outcome.message
  throw new AuthenticationError(status, detail)
}
