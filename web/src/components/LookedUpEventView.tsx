// One stored event from the lookup: what arrived and, per mapping, what was sent and what happened.
// Outcomes recorded before the service kept what it sent get a re-planned view, labelled as such.
import { formatTime, OUTCOME_LABELS } from '../format'
import type { EventDelivery, LookedUpEvent, SentRequest } from '../types'
import { JsonBlock } from './JsonBlock'

function requestLine(request: SentRequest): string {
  if (request.bulkItemOf !== undefined) return `one item of "${request.bulkItemOf}" in a bulk request`
  return request.followUp === true ? 'follow-up request' : 'request'
}

const QUEUED_LABEL = 'Queued, not sent yet'

function DeliveryView({ delivery }: { delivery: EventDelivery }) {
  const name = delivery.mapping ?? (delivery.mappingId === null ? 'No mapping' : 'A deleted mapping')
  const queued = delivery.outcome === 'queued'
  const label = delivery.outcome === 'queued' ? QUEUED_LABEL : OUTCOME_LABELS[delivery.outcome]
  return (
    <section class="delivery" data-testid="event-delivery" aria-label={`${name}: ${label}`}>
      <h4>
        {name} <code class="hint">{delivery.action}</code>{' '}
        <span class={`badge ${delivery.outcome}`}>{label}</span>
      </h4>
      <p>
        {queued ? 'Queued ' : ''}
        {formatTime(delivery.at)}
        {delivery.statusCode !== null ? ` · Iterable answered HTTP ${delivery.statusCode}` : ''}
        {delivery.outcomeCount > 1 ? ` · ${delivery.outcomeCount} outcomes (retries included)` : ''}
      </p>
      {delivery.errorMessage !== null ? <p class="error">{delivery.errorMessage}</p> : null}
      {delivery.sent === null ? (
        <p class="hint">
          {delivery.jobId === null
            ? 'Nothing was sent: the mapping could not build a valid request from this event.'
            : 'What was sent was not recorded for this outcome (it predates that record).'}
        </p>
      ) : (
        delivery.sent.map((request, i) => (
          <div key={i}>
            <p>
              {queued ? 'Will send' : 'Sent'} {requestLine(request)}: {request.method}{' '}
              <code>{request.url}</code>
            </p>
            <JsonBlock value={request.body} label={`Body sent to ${request.url}`} />
          </div>
        ))
      )}
    </section>
  )
}

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
      <h3>What was sent</h3>
      {item.deliveries.length === 0 ? (
        <p>
          No request was made from this event: no mapping matched, or no destination was delivering when it
          arrived.
        </p>
      ) : (
        item.deliveries.map((d, i) => <DeliveryView key={d.jobId ?? `failure-${i}`} delivery={d} />)
      )}
      {item.replanned !== null ? (
        <section data-testid="replanned">
          <h3>Re-planned with the current mappings</h3>
          <p class="hint">{item.replanned.note}</p>
          {item.replanned.matches.length === 0 ? <p>No enabled mapping matches this event now.</p> : null}
          {item.replanned.matches.map((m) => (
            <div key={m.mappingId}>
              <p>
                <strong>{m.mapping}</strong> <code class="hint">{m.action}</code>
              </p>
              {m.error !== undefined ? <p class="error">{m.error.message}</p> : null}
              {m.requests?.map((r, i) => (
                <div key={i}>
                  <p>
                    Would send {r.method} <code>{r.url}</code>
                  </p>
                  <JsonBlock value={r.body} label={`Body the current mapping would send to ${r.url}`} />
                </div>
              ))}
            </div>
          ))}
        </section>
      ) : null}
      {item.outcomes.length > 0 ? (
        <details>
          <summary>Every outcome ({item.outcomes.length})</summary>
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
        </details>
      ) : null}
      <details>
        <summary>The event as received</summary>
        <JsonBlock value={item.event} label="Event" />
      </details>
    </article>
  )
}
