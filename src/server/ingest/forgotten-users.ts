// Which users an incoming event names, as identity keys (util/forgotten-set.ts): its userId and
// the emails Segment events carry (traits, context.traits, properties). Checked against the
// forgotten set only while that set is not empty.
import type { NormalizedEvent } from '../../engine/event/index.js'
import { identityKeys, type ForgottenSet } from '../../util/forgotten-set.js'
import type { ScreenVerdict } from './options.js'

export type ForgottenUsersMode = 'drop' | 'refuse'

function emailAt(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined
  const email = (value as { email?: unknown }).email
  return typeof email === 'string' && email !== '' ? email : undefined
}

export function eventIdentityKeys(event: NormalizedEvent): string[] {
  const e = event as {
    userId?: unknown
    traits?: unknown
    context?: { traits?: unknown }
    properties?: unknown
  }
  const userId = typeof e.userId === 'string' ? e.userId : undefined
  const keys = identityKeys({ userId })
  for (const email of [emailAt(e.traits), emailAt(e.context?.traits), emailAt(e.properties)]) {
    if (email === undefined) continue
    const key = identityKeys({ email })[0]
    if (!keys.includes(key)) keys.push(key)
  }
  return keys
}

/** The ingest screen: events of forgotten users get `mode`, every other event is kept. */
export function forgottenUsersScreen(
  forgotten: () => ForgottenSet,
  mode: ForgottenUsersMode,
): (event: NormalizedEvent) => ScreenVerdict {
  return (event) => {
    const set = forgotten()
    if (set.size === 0) return 'keep'
    return set.hasAny(eventIdentityKeys(event)) ? mode : 'keep'
  }
}
