// Loads data for a page and keeps the error to show where the data would be.
import { useCallback, useEffect, useState } from 'preact/hooks'
import type { ApiError } from './api'

export interface Loaded<T> {
  data: T | null
  error: ApiError | null
  loading: boolean
  reload: () => void
}

/** Runs `load` now, whenever `deps` change, and every `refreshMs` (if given). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], refreshMs?: number): Loaded<T> {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)
  const reload = useCallback(() => setTick((t) => t + 1), [])

  useEffect(() => {
    let live = true
    setLoading(true)
    load().then(
      (value) => {
        if (!live) return
        setData(value)
        setError(null)
        setLoading(false)
      },
      (failure: ApiError) => {
        if (!live) return
        setError(failure)
        setLoading(false)
      },
    )
    return () => {
      live = false
    }
  }, [...deps, tick])

  useEffect(() => {
    if (refreshMs === undefined) return
    const timer = setInterval(reload, refreshMs)
    return () => clearInterval(timer)
  }, [refreshMs, reload])

  return { data, error, loading, reload }
}
