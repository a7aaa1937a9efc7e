// Replay: stored events of a time range (optionally one source's, for one destination) appended to the
// log again, routed with today's mappings. The admin API replays a batch per call and answers where
// to go on; this page follows it, shows how far it got, and can stop (and start again from there).
import { useRef, useState } from 'preact/hooks'
import { get, post, type ApiError } from '../api'
import { ErrorMessage } from '../components/ErrorMessage'
import { WaitingForReplay } from '../components/WaitingForReplay'
import type { Destination, ReplayAnswer, Source } from '../types'
import { useLoad } from '../use-load'

/** Events per call: small enough for the progress bar to move, large enough to be quick. */
const BATCH = 1000

interface Form {
  /** Epoch ms, kept exactly (a link from Overview gives them to the millisecond). */
  from: number | null
  to: number | null
  source: string
  destination: string
}

interface Run {
  events: number
  /** 0..1 of the range's event ids. */
  fraction: number
  state: 'running' | 'stopped' | 'done'
  next: ReplayAnswer['next']
}

/** `YYYY-MM-DDTHH:mm:ss` in local time, for a datetime-local input. */
function localInput(ms: number | null): string {
  if (ms === null) return ''
  const d = new Date(ms)
  return new Date(ms - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19)
}

function fromQuery(search: URLSearchParams, key: string): number | null {
  const value = Number(search.get(key) ?? '')
  return search.get(key) !== null && Number.isFinite(value) ? value : null
}

function fractionOf(answer: ReplayAnswer): number {
  const p = answer.progress
  if (p === null || answer.next === null) return 1
  return (p.throughId - p.firstId + 1) / Math.max(1, p.lastId - p.firstId + 1)
}

export function ReplayPage({ initial }: { initial: URLSearchParams }) {
  const [form, setForm] = useState<Form>(() => ({
    from: fromQuery(initial, 'from'),
    to: fromQuery(initial, 'to'),
    source: initial.get('source') ?? '',
    destination: initial.get('destination') ?? '',
  }))
  const sources = useLoad(() => get<{ items: Source[] }>('/sources'), [])
  const destinations = useLoad(() => get<{ items: Destination[] }>('/destinations'), [])
  const [run, setRun] = useState<Run | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const stopRequested = useRef(false)

  const replay = async (resume: ReplayAnswer['next']): Promise<void> => {
    if (form.from === null) return
    setError(null)
    stopRequested.current = false
    const body = {
      from: form.from,
      to: form.to ?? Date.now(), // fixed once, so every call covers the same range
      ...(form.source !== '' ? { source: form.source } : {}),
      ...(form.destination !== '' ? { destination: form.destination } : {}),
      limit: BATCH,
    }
    if (form.to === null) setForm({ ...form, to: body.to })
    let current: Run = {
      events: resume === null ? 0 : (run?.events ?? 0),
      fraction: run?.fraction ?? 0,
      state: 'running',
      next: resume,
    }
    setRun(current)
    try {
      for (;;) {
        const answer = await post<ReplayAnswer>('/events/replay', {
          ...body,
          ...(current.next !== null ? { next: current.next } : {}),
        })
        current = {
          events: current.events + answer.events,
          fraction: fractionOf(answer),
          next: answer.next,
          state: answer.next === null ? 'done' : stopRequested.current ? 'stopped' : 'running',
        }
        setRun(current)
        if (current.state !== 'running') return
      }
    } catch (failure) {
      setError(failure as ApiError)
      setRun({ ...current, state: 'stopped' })
    }
  }

  const running = run?.state === 'running'
  const field = (key: 'from' | 'to', value: string): void =>
    setForm({ ...form, [key]: value === '' ? null : new Date(value).getTime() })
  return (
    <section>
      <h1 tabIndex={-1}>Replay</h1>
      <p class="hint">
        Stored events received in a time range are appended to the log again, as new receipts routed with
        today's mappings: for events kept while a destination had no API key, or after a mapping was fixed.
        Iterable's ids (messageId) keep custom events and purchases from being counted twice.
      </p>
      <WaitingForReplay refresh={run?.state} />
      <form
        class="card inline"
        aria-label="Replay events"
        onSubmit={(e) => {
          e.preventDefault()
          void replay(null)
        }}
      >
        <div>
          <label for="replay-from">Received from</label>
          <input
            id="replay-from"
            type="datetime-local"
            step={1}
            required
            value={localInput(form.from)}
            onInput={(e) => field('from', e.currentTarget.value)}
          />
        </div>
        <div>
          <label for="replay-to">until (default: now)</label>
          <input
            id="replay-to"
            type="datetime-local"
            step={1}
            value={localInput(form.to)}
            onInput={(e) => field('to', e.currentTarget.value)}
          />
        </div>
        <div>
          <label for="replay-source">Source</label>
          <select
            id="replay-source"
            value={form.source}
            onChange={(e) => setForm({ ...form, source: e.currentTarget.value })}
          >
            <option value="">Every source</option>
            {(sources.data?.items ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.writeKeyHint}
                {s.active ? '' : ', revoked'})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="replay-destination">Destination</label>
          <select
            id="replay-destination"
            value={form.destination}
            onChange={(e) => setForm({ ...form, destination: e.currentTarget.value })}
          >
            <option value="">Every destination</option>
            {(destinations.data?.items ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={running || form.from === null}>
          Replay
        </button>
      </form>
      <ErrorMessage error={error} />
      {run !== null ? (
        <div class="card" data-testid="replay-progress">
          <progress max={1} value={run.fraction} aria-label="Replay progress" />{' '}
          <span role="status">
            {run.state === 'done'
              ? `Done: ${run.events} event${run.events === 1 ? '' : 's'} replayed. Delivery sends them in order.`
              : `${run.state === 'running' ? 'Replaying' : 'Stopped'}: ${run.events} event${run.events === 1 ? '' : 's'} so far (${Math.floor(run.fraction * 100)} %).`}
          </span>{' '}
          {running ? (
            <button type="button" class="secondary" onClick={() => (stopRequested.current = true)}>
              Stop
            </button>
          ) : null}
          {run.state === 'stopped' && run.next !== null ? (
            <button type="button" class="secondary" onClick={() => void replay(run.next)}>
              Go on
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  )
}
