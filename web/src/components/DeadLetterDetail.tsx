// One dead letter in full: why it failed, the payload that was to be sent, and the stored event.
import { useEffect, useRef } from 'preact/hooks'
import { get } from '../api'
import { formatTime } from '../format'
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
  payload: unknown
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
          <h3>Payload</h3>
          <JsonBlock value={data.payload} label="Dead letter payload" />
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
