// The user an event is filed under in the store (per-user lookups, deleting a user's events):
// its userId, else its email (traits or context.traits).

export function eventUserKey(event: unknown): string | null {
  if (event === null || typeof event !== 'object') return null
  const e = event as {
    userId?: unknown
    traits?: { email?: unknown }
    context?: { traits?: { email?: unknown } }
  }
  if (typeof e.userId === 'string' && e.userId !== '') return e.userId
  const email = e.traits?.email ?? e.context?.traits?.email
  return typeof email === 'string' && email !== '' ? email : null
}
