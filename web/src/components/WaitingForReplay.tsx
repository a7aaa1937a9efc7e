// Events kept while a destination had no API key (or was disabled): they are sent only by a replay.
// Shown on Overview and the Destination page with a link to the Replay page, filled in.
import { get, query } from '../api'
import { formatTime } from '../format'
import type { WaitingEvents } from '../types'
import { useLoad } from '../use-load'
import { Link } from './Link'

export function replayHref(w: WaitingEvents): string {
  return `/replay${query({ from: w.from, to: w.to, destination: w.destinationId })}`
}

/**
 * `destinationId`: only that destination's (the Destination page); default: every one. `refresh`:
 * loaded again whenever it changes (after a replay).
 */
export function WaitingForReplay({ destinationId, refresh }: { destinationId?: string; refresh?: unknown }) {
  const { data } = useLoad(() => get<{ items: WaitingEvents[] }>('/waiting-events'), [refresh], 15_000)
  const items = (data?.items ?? []).filter(
    (w) => destinationId === undefined || w.destinationId === destinationId,
  )
  if (items.length === 0) return null
  return (
    <div class="card" data-testid="waiting-for-replay">
      <h2>Waiting for a replay</h2>
      {items.map((w) => (
        <p key={w.destinationId} class="warning">
          <strong>
            {w.events} event{w.events === 1 ? '' : 's'}
          </strong>{' '}
          received {formatTime(w.from)} – {formatTime(w.to)}, while <strong>{w.name}</strong> had no API key
          or was disabled, were not sent to it. They wait for a replay:{' '}
          <Link href={replayHref(w)}>Replay them to {w.name}</Link>
        </p>
      ))}
    </div>
  )
}
