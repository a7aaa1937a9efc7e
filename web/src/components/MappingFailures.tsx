// Events a mapping could not build a request for (field validation, a trigger or mapping that threw):
// nothing was sent, so they are no dead letters; the outcome log keeps them with the message.
import { get, query } from '../api'
import { formatTime } from '../format'
import type { Outcome } from '../types'
import { useLoad } from '../use-load'
import { ErrorMessage } from './ErrorMessage'
import { Link } from './Link'

const SHOWN = 50

export function MappingFailures({ mappingName }: { mappingName: (id: string | null) => string }) {
  const { data, error } = useLoad(
    () => get<{ items: Outcome[] }>(`/deliveries/outcomes${query({ outcome: 'failed', limit: SHOWN })}`),
    [],
  )
  return (
    <div class="card">
      <h2>Mapping failures</h2>
      <p class="hint">
        Events a mapping could not build a valid request for: nothing was sent to Iterable. Fix the mapping
        (or the events), then replay the events from the Replay page.
      </p>
      <ErrorMessage error={error} />
      {data !== null && data.items.length === 0 ? <p>None recently.</p> : null}
      {data !== null && data.items.length > 0 ? (
        <table aria-label="Mapping failures">
          <thead>
            <tr>
              <th>When</th>
              <th>Mapping</th>
              <th>Message ID</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((o) => (
              <tr key={o.id} data-testid="mapping-failure">
                <td>{formatTime(o.at)}</td>
                <td>
                  {mappingName(o.mappingId)} <code class="hint">{o.action}</code>
                </td>
                <td>
                  <Link href={`/events?messageId=${encodeURIComponent(o.messageId)}`}>
                    <code>{o.messageId}</code>
                  </Link>
                </td>
                <td>
                  {o.errorMessage ?? '—'}{' '}
                  {o.errorCode !== null ? <code class="hint">{o.errorCode}</code> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {data !== null && data.items.length === SHOWN ? (
        <p class="hint">The {SHOWN} most recent are shown.</p>
      ) : null}
    </div>
  )
}
