// The Iterable side of forgetting, unforgetting and deleting a user: one request per project, in
// Iterable's shapes (POST /api/users/forget|unforget `{email?, userId?}`; DELETE /api/users/{email}
// or /api/users/byUserId/{userId}). Forget and unforget allow 3 requests a second per project (and
// 1,000 a day): a 429 is waited out a few times, then reported.
import type { IterableClient, IterableRequest } from '../../iterable/client/index.js'
import type { UserIdentifiers } from '../../util/forgotten-set.js'

export type PrivacyAction = 'forget' | 'unforget' | 'delete'

export interface ProjectCallResult {
  outcome: 'succeeded' | 'failed'
  /** Iterable's HTTP status (null when it could not be reached). */
  status: number | null
  /** Iterable's code, or ours for a transport failure. */
  code: string | null
  message: string
}

/** The requests an action makes for one user (delete by userId when there is one, else by email). */
export function privacyRequests(action: PrivacyAction, user: UserIdentifiers): IterableRequest[] {
  const body = {
    ...(user.email !== undefined ? { email: user.email } : {}),
    ...(user.userId !== undefined ? { userId: user.userId } : {}),
  }
  if (action === 'forget') return [{ method: 'POST', path: '/api/users/forget', body }]
  if (action === 'unforget') return [{ method: 'POST', path: '/api/users/unforget', body }]
  return [
    user.userId !== undefined
      ? { method: 'DELETE', path: `/api/users/byUserId/${encodeURIComponent(user.userId)}` }
      : { method: 'DELETE', path: `/api/users/${encodeURIComponent(user.email ?? '')}` },
  ]
}

/**
 * DELETE /api/users/byUserId/{userId} answers 400 BadParams for a userId it does not know
 * (iterable-api.md §2.1): the user is gone already, which is what a delete wants.
 */
function userAlreadyGone(request: IterableRequest, status: number, code: string | undefined): boolean {
  return request.method === 'DELETE' && status === 400 && code === 'BadParams'
}

const RATE_LIMIT_TRIES = 4
/** Iterable's forget limit is 3 a second: a little over a third of a second between tries. */
const RATE_LIMIT_WAIT_MS = 400
/** A Retry-After longer than this (the daily cap) is not waited for: the result says so. */
const LONGEST_WAIT_MS = 5000

/** Sends the requests in order; the first failure ends it. A 429 is retried a few times first. */
export async function callProject(
  client: IterableClient,
  requests: readonly IterableRequest[],
): Promise<ProjectCallResult> {
  let last: ProjectCallResult = { outcome: 'succeeded', status: null, code: null, message: 'nothing to send' }
  for (const request of requests) {
    for (let attempt = 1; ; attempt++) {
      const response = await client.send(request)
      const { outcome } = response
      if (userAlreadyGone(request, response.status, outcome.iterableCode)) {
        last = {
          outcome: 'succeeded',
          status: response.status,
          code: outcome.iterableCode ?? null,
          message: 'no such user at Iterable',
        }
        break
      }
      last = {
        outcome: outcome.policy === 'deliver' ? 'succeeded' : 'failed',
        status: response.status === 0 ? null : response.status,
        code: outcome.policy === 'deliver' ? (outcome.iterableCode ?? 'Success') : outcome.code,
        message: outcome.policy === 'deliver' ? 'done' : outcome.message,
      }
      const wait = outcome.retryAfterMs ?? RATE_LIMIT_WAIT_MS
      if (response.status !== 429 || attempt >= RATE_LIMIT_TRIES || wait > LONGEST_WAIT_MS) break
      await new Promise((resolve) => setTimeout(resolve, wait * attempt))
    }
    if (last.outcome === 'failed') return last
  }
  return last
}
