// "Destination" with a choice of the configured destinations (shown where there are several).
import type { Destination } from '../types'

export function DestinationSelect({
  id,
  destinations,
  value,
  onChange,
}: {
  id: string
  destinations: readonly Destination[]
  value: string
  onChange: (destinationId: string) => void
}) {
  return (
    <>
      <label for={id}>Destination</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {destinations.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
          </option>
        ))}
      </select>
    </>
  )
}
