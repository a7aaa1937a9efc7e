// One dead letter in full: why it failed, the request it sends to Iterable (what a replay sends), and
// the stored event.
import { useEffect, useRef } from 'preact/hooks'
import { get } from '../api'
import { formatTime } from '../format'
import type { SentRequest } from '../types'
import { useLoad } from '../use-load'
import { ErrorMessage } from './ErrorMessage'
import { JsonBlock } from './JsonBlock'

interface Detail {
  id: number
  reason: string
  code: string
  lastError: string | null
  statusCode: number | null
  attempts: number
  lane: string
  firstEnqueuedAt: number
  deadAt: number
  field: string | null
  sent: SentRequest[] | null
  event: { body: unknown } | null
}

export function DeadLetterDetail({ id, onClose }: { id: number; onClose: () => void }) {
  const { data, error } = useLoad(() => get<Detail>(`/dead-letters/${id}`), [id])
  // Keyboard users land on what they opened, not back at the top of the page.
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => heading.current?.focus(), [id])
  return (
    <div class="card" data-testid="dead-letter-detail">
      <h2 tabIndex={-1} ref={heading}>
        Dead letter {id}
      </h2>
      <ErrorMessage error={error} />
      {data !== null ? (
        <>
          <p>
            <strong>Why:</strong> {data.reason} <code class="hint">{data.code}</code>
            {data.statusCode !== null ? ` (HTTP ${data.statusCode})` : ''}
            {data.field !== null ? (
              <>
                {' '}
                · field <code>{data.field}</code>
              </>
            ) : null}
          </p>
          {data.lastError !== null ? (
            <p>
              <strong>Last error:</strong> {data.lastError}
            </p>
          ) : null}
          <p>
            {data.attempts} attempt{data.attempts === 1 ? '' : 's'} to <code>{data.lane}</code>, first queued{' '}
            {formatTime(data.firstEnqueuedAt)}, given up {formatTime(data.deadAt)}.
          </p>
          <h3>Request to Iterable</h3>
          {data.sent === null ? (
            <p>What it sends cannot be read any more.</p>
          ) : (
            data.sent.map((request, i) => (
              <div key={i}>
                <p>
                  {request.method} <code>{request.url}</code>
                  {request.bulkItemOf !== undefined
                    ? ` — its item of the "${request.bulkItemOf}" list of a bulk request`
                    : request.followUp === true
                      ? ' — sent after the request above succeeded'
                      : ''}
                </p>
                {request.body !== undefined ? (
                  <JsonBlock value={request.body} label={`Body sent to ${request.url}`} />
                ) : (
                  <p class="hint">Sent without a body.</p>
                )}
              </div>
            ))
          )}
          <h3>Event</h3>
          {data.event !== null ? (
            <JsonBlock value={data.event.body} label="Stored event" />
          ) : (
            <p>The event is no longer stored.</p>
          )}
        </>
      ) : null}
      <button type="button" class="secondary" onClick={onClose}>
        Close
      </button>
    </div>
  )
}
