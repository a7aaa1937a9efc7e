// JSON shown as readable, selectable text.
import { pretty } from '../format'

interface Props {
  value: unknown
  label?: string
}

export function JsonBlock({ value, label }: Props) {
  return (
    <pre class="json" aria-label={label} tabIndex={0}>
      {pretty(value)}
    </pre>
  )
}
