// Words and numbers as people read them.
import type { OutcomeKind } from './types'

export const OUTCOMES: readonly OutcomeKind[] = ['delivered', 'retrying', 'failed', 'dead']

export const OUTCOME_LABELS: Record<OutcomeKind, string> = {
  delivered: 'Delivered',
  retrying: 'Retrying',
  failed: 'Failed',
  dead: 'Dead letter',
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  return new Date(ms).toLocaleString()
}

export function formatAge(ms: number | null): string {
  if (ms === null) return '—'
  if (ms < 1000) return 'under a second'
  const seconds = Math.round(ms / 1000)
  if (seconds < 120) return `${seconds} s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 120) return `${minutes} min`
  return `${Math.round(minutes / 60)} h`
}

export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? ''
}

/** "body.fields.dataFields" → "dataFields": the mapping field an API error path points at. */
export function fieldOfPath(path: string | undefined): string | null {
  if (path === undefined) return null
  const parts = path.split('.')
  const at = parts.indexOf('fields')
  return at >= 0 && at + 1 < parts.length ? parts[at + 1] : null
}
