// Endpoints Iterable enables per project. Without the Subscription Preferences API a project answers
// 404 `{"code":"NotFound","msg":"Endpoint not found for project: <id>"}` on every /api/subscriptions/
// call: resending cannot help, and the fix is Iterable's, so the outcome says whom to ask.
import type { IterableOutcome } from './outcome.js'

export const SUBSCRIPTIONS_API_NOT_ENABLED = 'SUBSCRIPTIONS_API_NOT_ENABLED'

const SUBSCRIPTIONS_PREFIX = '/api/subscriptions/'

/** The outcome, explained when it is a gated endpoint's "not enabled for this project" (by status, code and path). */
export function explainGatedEndpoint(path: string, outcome: IterableOutcome): IterableOutcome {
  if (outcome.status !== 404 || outcome.iterableCode !== 'NotFound') return outcome
  if (!path.startsWith(SUBSCRIPTIONS_PREFIX)) return outcome
  return {
    ...outcome,
    kind: 'permanent',
    policy: 'drop',
    code: SUBSCRIPTIONS_API_NOT_ENABLED,
    message:
      `${outcome.message} — the Subscription Preferences API is not enabled for this Iterable project; ` +
      'ask Iterable (your customer success manager) to enable it, then replay the dead letters.',
  }
}
