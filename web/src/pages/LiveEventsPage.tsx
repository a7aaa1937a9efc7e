// Live events: new events as they arrive, filtered on the server by source, type and event name;
// each links to its lookup. The newest MAX_ROWS stay on the page; events the page could not keep
// up with are counted, not shown.
import { useEffect, useState } from 'preact/hooks'
import { ApiError, get, query } from '../api'
import { ErrorMessage } from '../components/ErrorMessage'
import { Link } from '../components/Link'
import { formatTime } from '../format'
import { readLiveEvents, type LiveFrame } from '../live-stream'
import type { LiveEvent } from '../types'
import { useLoad } from '../use-load'

const MAX_ROWS = 200
const TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const
/** Typing an event name restarts the stream after this pause. */
const NAME_DEBOUNCE_MS = 400
/** A stream that ended (service restarted, log unreadable) is opened again after this long. */
const RECONNECT_MS = 3000

interface Filter {
  source: string
  type: string
  event: string
}

interface SourceItem {
  id: string
  name: string
}

export function LiveEventsPage() {
  const sources = useLoad(() => get<{ items: SourceItem[] }>('/sources'), [])
  const [filter, setFilter] = useState<Filter>({ source: '', type: '', event: '' })
  const [nameText, setNameText] = useState('')
  const [paused, setPaused] = useState(false)
  const [rows, setRows] = useState<LiveEvent[]>([])
  const [missed, setMissed] = useState(0)
  const [listening, setListening] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  /** Bumped to open the stream again after it ended. */
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    const event = nameText.trim()
    // Unchanged text keeps the filter object, so the stream is not opened again.
    const timer = setTimeout(
      () => setFilter((f) => (f.event === event ? f : { ...f, event })),
      NAME_DEBOUNCE_MS,
    )
    return () => clearTimeout(timer)
  }, [nameText])

  // The table shows what the current filter lets through.
  useEffect(() => {
    setRows([])
    setMissed(0)
  }, [filter])

  useEffect(() => {
    if (paused) return
    const abort = new AbortController()
    setError(null)
    const onFrame = (frame: LiveFrame): void => {
      if (frame.name === 'ready') setListening(true)
      else if (frame.name === 'missed') setMissed((n) => n + (frame.data as { count: number }).count)
      else if (frame.name === 'event') {
        setRows((all) => [frame.data as LiveEvent, ...all].slice(0, MAX_ROWS))
      }
    }
    let retry: ReturnType<typeof setTimeout> | undefined
    const ended = (failure: ApiError | null): void => {
      if (abort.signal.aborted) return
      setListening(false)
      setError(failure ?? new ApiError(0, 'stream_ended', 'The live stream ended (the service stopped it).'))
      retry = setTimeout(() => setAttempt((n) => n + 1), RECONNECT_MS)
    }
    readLiveEvents(query({ ...filter }), onFrame, abort.signal).then(
      () => ended(null),
      (failure: ApiError) => ended(failure),
    )
    return () => {
      abort.abort()
      clearTimeout(retry)
      setListening(false)
    }
  }, [filter, paused, attempt])

  const sourceName = (id: string): string => sources.data?.items.find((s) => s.id === id)?.name ?? id
  const change = (part: Partial<Filter>): void => setFilter((f) => ({ ...f, ...part }))

  return (
    <section>
      <h1 tabIndex={-1}>Live events</h1>
      <p class="hint">
        Events as they arrive (from now on), filtered by the service. Each links to its lookup: what it sent
        and what happened.
      </p>
      <form class="inline" onSubmit={(e) => e.preventDefault()} aria-label="Filter">
        <label for="live-source">Source</label>
        <select
          id="live-source"
          value={filter.source}
          onChange={(e) => change({ source: e.currentTarget.value })}
        >
          <option value="">All sources</option>
          {sources.data?.items.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <label for="live-type">Type</label>
        <select id="live-type" value={filter.type} onChange={(e) => change({ type: e.currentTarget.value })}>
          <option value="">All types</option>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <label for="live-name">Event name contains</label>
        <input
          id="live-name"
          class="narrow"
          type="search"
          value={nameText}
          onInput={(e) => setNameText(e.currentTarget.value)}
        />
        <button type="button" class="secondary" onClick={() => setPaused((p) => !p)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            setRows([])
            setMissed(0)
          }}
        >
          Clear
        </button>
      </form>
      <p role="status" data-testid="live-status">
        {paused
          ? 'Paused: new events are not shown.'
          : listening
            ? `Listening for new events. ${rows.length} shown.`
            : 'Connecting…'}
      </p>
      {missed > 0 ? (
        <p class="warning" data-testid="live-missed">
          {missed} {missed === 1 ? 'event was' : 'events were'} not shown: they arrived faster than this page
          could take them.
        </p>
      ) : null}
      {error !== null ? (
        <>
          <ErrorMessage error={error} />
          <p class="hint">Trying again every few seconds.</p>
        </>
      ) : null}
      <table data-testid="live-events">
        <thead>
          <tr>
            <th>Received</th>
            <th>Source</th>
            <th>Type</th>
            <th>Event</th>
            <th>User</th>
            <th>Message ID</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td>{formatTime(row.receivedAt)}</td>
              <td>{sourceName(row.sourceId)}</td>
              <td>{row.type}</td>
              <td>{row.name ?? '—'}</td>
              <td>{row.userId ?? (row.anonymousId !== null ? `anonymous ${row.anonymousId}` : '—')}</td>
              <td>
                <Link href={`/events?messageId=${encodeURIComponent(row.messageId)}`}>
                  <code>{row.messageId}</code>
                </Link>
                {row.replayOf !== null ? <span class="hint"> (replay)</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 ? <p class="hint">No new events yet.</p> : null}
    </section>
  )
}
