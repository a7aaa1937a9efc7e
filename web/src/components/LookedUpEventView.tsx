// One stored event from the lookup: what arrived and, per item (one mapping's delivery), what it sends
// and what happened to it. An event whose configuration revision is gone is routed with the current
// mappings, labelled as such.
import { query } from '../api'
import { formatTime, OUTCOME_LABELS } from '../format'
import type { EventDelivery, LookedUpEvent, SentRequest } from '../types'
import { JsonBlock } from './JsonBlock'
import { Link } from './Link'

function requestLine(request: SentRequest): string {
  if (request.bulkItemOf !== undefined) return `one item of "${request.bulkItemOf}" in a bulk request`
  return request.followUp === true ? 'follow-up request' : 'request'
}

const LABELS: Record<EventDelivery['outcome'], string> = {
  ...OUTCOME_LABELS,
  held: 'Waiting for an earlier item of this user',
  queued: 'Queued, not sent yet',
}

function DeliveryView({ delivery }: { delivery: EventDelivery }) {
  const name = delivery.mapping ?? (delivery.mappingId === null ? 'No mapping' : 'A deleted mapping')
  const pending = delivery.outcome === 'queued' || delivery.outcome === 'held'
  const label = LABELS[delivery.outcome]
  return (
    <section class="delivery" data-testid="event-delivery" aria-label={`${name}: ${label}`}>
      <h4>
        {name} <code class="hint">{delivery.action}</code>{' '}
        <span class={`badge ${delivery.outcome}`}>{label}</span>
      </h4>
      <p>
        {delivery.outcome === 'queued' ? 'Received ' : ''}
        {formatTime(delivery.at)}
        {delivery.statusCode !== null ? ` · Iterable answered HTTP ${delivery.statusCode}` : ''}
        {delivery.attempts > 1 ? ` · ${delivery.attempts} attempts` : ''}
        {delivery.nextAttemptAt !== null ? ` · next attempt ${formatTime(delivery.nextAttemptAt)}` : ''}
      </p>
      {delivery.errorMessage !== null ? <p class="error">{delivery.errorMessage}</p> : null}
      {delivery.sent === null ? (
        <p class="hint">
          {delivery.outcome === 'failed'
            ? 'Nothing was sent: the mapping could not build a valid request from this event.'
            : 'What it sends is not known any more (its mapping changed since).'}
        </p>
      ) : (
        delivery.sent.map((request, i) => (
          <div key={i}>
            <p>
              {pending ? 'Will send' : delivery.notSent ? 'Not sent — would have sent' : 'Sent'}{' '}
              {requestLine(request)}: {request.method} <code>{request.url}</code>
            </p>
            <JsonBlock value={request.body} label={`Body sent to ${request.url}`} />
          </div>
        ))
      )}
      {delivery.requests.length > 0 ? (
        <ul
          class="hint"
          aria-label={delivery.notSent ? 'Earlier requests that carried it' : 'Requests that carried it'}
        >
          {delivery.requests.map((r) => (
            <li key={r.id}>
              {formatTime(r.at)} · <code>{r.endpoint}</code> ·{' '}
              {r.status === null ? 'no answer' : `HTTP ${r.status}`}
              {r.items > 1 ? ` · with ${r.items - 1} other item${r.items === 2 ? '' : 's'}` : ''}
              {r.error !== null ? ` · ${r.error}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
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
      {item.waitingForReplay.map((w) => (
        <p key={w.destinationId} class="warning" data-testid="waiting-for-replay">
          Not sent to <strong>{w.name}</strong>: it arrived while {w.name} had no API key (or was disabled).
          It waits for a replay:{' '}
          <Link
            href={`/replay${query({ from: item.receivedAt, to: item.receivedAt + 1, destination: w.destinationId })}`}
          >
            replay it to {w.name}
          </Link>
        </p>
      ))}
      <h3>What was sent</h3>
      {item.deliveries.length === 0 ? (
        <p>
          No request was made from this event: no mapping matched, or no destination was delivering when it
          arrived.
        </p>
      ) : (
        item.deliveries.map((d) => <DeliveryView key={`${d.destinationId}:${d.ordinal}`} delivery={d} />)
      )}
      {item.replanned !== null ? (
        <section data-testid="replanned">
          <h3>Routed with the current mappings</h3>
          <p class="hint">{item.replanned.note}</p>
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
