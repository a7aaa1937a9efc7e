// A tiny history router: the current path, navigation without reloads, and route matching.
import { useEffect, useState } from 'preact/hooks'

const listeners = new Set<() => void>()

export function navigate(to: string): void {
  if (to === location.pathname + location.search) return
  history.pushState(null, '', to)
  for (const listener of listeners) listener()
}

addEventListener('popstate', () => {
  for (const listener of listeners) listener()
})

export interface Location {
  path: string
  search: URLSearchParams
}

function current(): Location {
  return { path: location.pathname, search: new URLSearchParams(location.search) }
}

export function useLocation(): Location {
  const [value, setValue] = useState(current)
  useEffect(() => {
    const listener = (): void => setValue(current())
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
    }
  }, [])
  return value
}
