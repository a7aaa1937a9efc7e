// The admin token for this browser tab: kept in sessionStorage so a reload stays signed in, and
// gone when the tab closes. Listeners hear sign-in and sign-out (also a 401 from the API).
const KEY = 'iterable-actions.adminToken'

type Listener = (token: string | null) => void
const listeners = new Set<Listener>()

export function getToken(): string | null {
  return sessionStorage.getItem(KEY)
}

export function signIn(token: string): void {
  sessionStorage.setItem(KEY, token)
  for (const listener of listeners) listener(token)
}

export function signOut(): void {
  sessionStorage.removeItem(KEY)
  for (const listener of listeners) listener(null)
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}
