// Test mapping: an event (pasted, the sample, or a recent one) through one mapping or all enabled
// ones → the payload and the requests; "Send to Iterable" also shows Iterable's responses.
import { useEffect, useState } from 'preact/hooks'
import { get, post, query, type ApiError } from '../api'
import { ErrorMessage } from '../components/ErrorMessage'
import { TestResultView } from '../components/TestResultView'
import { pretty } from '../format'
import { SAMPLE_EVENT } from '../sample-event'
import type { Destination, Mapping, RecentEvent, TestResult } from '../types'
import { useLoad } from '../use-load'

interface TestAnswer {
  sent: boolean
  results: TestResult[]
}

async function loadChoices(): Promise<{
  mappings: Mapping[]
  recent: RecentEvent[]
  destinations: Destination[]
}> {
  const [mappings, recent, destinations] = await Promise.all([
    get<{ items: Mapping[] }>('/mappings'),
    get<{ items: RecentEvent[] }>(`/recent-events${query({ limit: 20 })}`),
    get<{ items: Destination[] }>('/destinations'),
  ])
  return { mappings: mappings.items, recent: recent.items, destinations: destinations.items }
}

/** The select's value for "all enabled mappings of one destination" (several destinations). */
const ALL_OF = 'destination:'

/** "Order Completed · 10:31:02 · msg-1": what a person recognises an event by. */
function describeEvent(item: RecentEvent): string {
  const name = typeof item.event.event === 'string' ? item.event.event : String(item.event.type ?? 'event')
  return `${name} · ${new Date(item.receivedAt).toLocaleTimeString()} · ${item.messageId}`
}

export function TestMappingPage({ mappingId }: { mappingId: string | null }) {
  const { data, error } = useLoad(loadChoices, [])
  const [chosen, setChosen] = useState(mappingId ?? '')
  const [eventText, setEventText] = useState(() => pretty(SAMPLE_EVENT))
  const [eventError, setEventError] = useState<string | ApiError | null>(null)
  const [answer, setAnswer] = useState<TestAnswer | null>(null)
  const [runError, setRunError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => setChosen(mappingId ?? ''), [mappingId])
  // Several destinations: "all mappings" must say whose (the first one until one is chosen).
  const several = data !== null && data.destinations.length > 1
  useEffect(() => {
    if (several && chosen === '') setChosen(`${ALL_OF}${data.destinations[0].id}`)
  }, [several, chosen, data])
  const destinationName = (id: string): string => data?.destinations.find((d) => d.id === id)?.name ?? id

  const pickRecent = (id: string): void => {
    const picked = data?.recent.find((r) => String(r.id) === id)
    if (picked === undefined) return
    setEventError(null)
    setEventText(pretty(picked.event))
  }

  const run = async (send: boolean): Promise<void> => {
    setRunError(null)
    setEventError(null)
    setAnswer(null)
    let event: unknown
    try {
      event = JSON.parse(eventText)
    } catch (failure) {
      setEventError(`The event is not valid JSON: ${(failure as Error).message}`)
      return
    }
    setBusy(true)
    try {
      setAnswer(
        await post<TestAnswer>('/test-mapping', {
          event,
          send,
          ...(chosen.startsWith(ALL_OF)
            ? { destinationId: chosen.slice(ALL_OF.length) }
            : chosen !== ''
              ? { mappingId: chosen }
              : {}),
        }),
      )
    } catch (failure) {
      const e = failure as ApiError
      if (e.path?.startsWith('body.event')) setEventError(e)
      else setRunError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section>
      <h1 tabIndex={-1}>Test mapping</h1>
      <ErrorMessage error={error} />
      <div class="card">
        <label for="test-mapping-select">Mapping</label>
        <select id="test-mapping-select" value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
          {several ? (
            data.destinations.map((d) => (
              <option key={d.id} value={`${ALL_OF}${d.id}`}>
                All enabled mappings of {d.name} whose trigger matches
              </option>
            ))
          ) : (
            <option value="">All enabled mappings whose trigger matches</option>
          )}
          {data?.mappings.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name} ({m.action}){several ? ` · ${destinationName(m.destinationId)}` : ''}
            </option>
          ))}
        </select>
        <label for="recent-event">Pick a recent event</label>
        <select id="recent-event" value="" onChange={(e) => pickRecent(e.currentTarget.value)}>
          <option value="">
            {data !== null && data.recent.length === 0 ? 'No recent events yet' : 'Choose a message ID…'}
          </option>
          {data?.recent.map((item) => (
            <option key={item.id} value={String(item.id)}>
              {describeEvent(item)}
            </option>
          ))}
        </select>
        <label for="test-event">Event (JSON, as a Segment library sends it)</label>
        <textarea
          id="test-event"
          class="code"
          rows={16}
          spellcheck={false}
          value={eventText}
          onInput={(e) => setEventText(e.currentTarget.value)}
          aria-invalid={eventError !== null}
          aria-describedby="test-event-error"
        />
        <ErrorMessage error={eventError} id="test-event-error" />
        <div class="actions">
          <button type="button" disabled={busy} onClick={() => void run(false)}>
            Show payload and requests
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={() => void run(true)}>
            Send to Iterable
          </button>
          <span class="hint">Sending really calls Iterable with the destination's API key.</span>
        </div>
        <ErrorMessage error={runError} />
      </div>
      {answer !== null ? (
        <div aria-live="polite">
          <h2>{answer.sent ? 'Sent: results' : 'Preview: nothing was sent'}</h2>
          {answer.results.length === 0 ? <p>No enabled mapping matches this event.</p> : null}
          {answer.results.map((result, i) => (
            <TestResultView key={`${result.mappingId ?? 'draft'}-${i}`} result={result} />
          ))}
        </div>
      ) : null}
    </section>
  )
}
