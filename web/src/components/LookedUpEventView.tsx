// One stored event from the lookup: what arrived, what happened for each mapping, and what the
// current mappings would send for it today.
import { formatTime, OUTCOME_LABELS } from '../format'
import type { LookedUpEvent } from '../types'
import { JsonBlock } from './JsonBlock'

export function LookedUpEventView({ item }: { item: LookedUpEvent }) {
  return (
    <article class="card" data-testid="looked-up-event">
      <h2>
        <code>{item.messageId}</code>
      </h2>
      <p>
        Received {formatTime(item.receivedAt)}
        {item.userKey !== null ? (
          <>
            {' '}
            · user <code>{item.userKey}</code>
          </>
        ) : null}
      </p>
      <h3>Outcomes</h3>
      {item.outcomes.length === 0 ? (
        <p>No delivery outcome yet (still queued, or no mapping matched).</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Outcome</th>
              <th>Action</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {item.outcomes.map((o) => (
              <tr key={o.id}>
                <td>{formatTime(o.at)}</td>
                <td>
                  <span class={`badge ${o.outcome}`}>{OUTCOME_LABELS[o.outcome]}</span>
                </td>
                <td>{o.action}</td>
                <td>
                  {o.statusCode !== null ? `HTTP ${o.statusCode} ` : ''}
                  {o.errorMessage ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Mappings that match it now</h3>
      {item.matchesNow.length === 0 ? <p>No enabled mapping matches this event.</p> : null}
      {item.matchesNow.map((m) => (
        <div key={m.mappingId}>
          <p>
            <strong>{m.mapping}</strong> <code class="hint">{m.action}</code>
          </p>
          {m.error !== undefined ? <p class="error">{m.error.message}</p> : null}
          {m.requests?.map((r, i) => (
            <div key={i}>
              <p>
                {r.method} <code>{r.url}</code>
              </p>
              <JsonBlock value={r.body} label="Request body" />
            </div>
          ))}
        </div>
      ))}
      <details>
        <summary>The event as received</summary>
        <JsonBlock value={item.event} label="Event" />
      </details>
    </article>
  )
}
