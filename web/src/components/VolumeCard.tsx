// Event volume over the last hour (GET /event-volume): by source and by event name, with bars
// relative to the largest count. An estimate (a sampled range) says so.
import type { EventVolume } from '../types'

function Bars({
  rows,
  label,
}: {
  rows: Array<{ key: string; label: string; count: number }>
  label: string
}) {
  const max = Math.max(1, ...rows.map((r) => r.count))
  if (rows.length === 0) return <p>No events.</p>
  return (
    <table aria-label={label}>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <td>{row.label}</td>
            <td class="counts">{row.count}</td>
            <td class="bar-cell">
              <span class="bar" style={{ width: `${(100 * row.count) / max}%` }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function VolumeCard({ volume }: { volume: EventVolume }) {
  const sources = volume.bySource.map((s) => ({
    key: s.sourceId,
    label: s.name ?? s.sourceId,
    count: s.count,
  }))
  const events = volume.byEvent.map((e) => ({
    key: `${e.type}:${e.name ?? ''}`,
    label: e.name === null ? e.type : e.type === 'track' ? e.name : `${e.type}: ${e.name}`,
    count: e.count,
  }))
  if (volume.otherEvents > 0) events.push({ key: 'other', label: 'Other names', count: volume.otherEvents })
  return (
    <div class="card" data-testid="event-volume">
      <h2>Events received, last hour</h2>
      <p>
        <strong data-testid="volume-total">{volume.total}</strong> {volume.total === 1 ? 'event' : 'events'}
        {volume.estimated ? ` (estimated from ${volume.scanned} of them)` : ''}.
      </p>
      <div class="two-col">
        <div>
          <h3>By source</h3>
          <Bars rows={sources} label="Events by source" />
        </div>
        <div>
          <h3>By event name</h3>
          <Bars rows={events} label="Events by name" />
        </div>
      </div>
    </div>
  )
}
