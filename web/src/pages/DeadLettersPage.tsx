// Dead letters: deliveries that were given up on. Filter them, inspect one, replay (send again) or
// discard them.
import { useState } from 'preact/hooks'
import { get, post, query, type ApiError } from '../api'
import { DeadLetterDetail } from '../components/DeadLetterDetail'
import { ErrorMessage } from '../components/ErrorMessage'
import { formatTime } from '../format'
import type { DeadLetter, Mapping } from '../types'
import { useLoad } from '../use-load'

interface Filter {
  mapping: string
  code: string
  reason: string
  includeReplayed: boolean
}

const NO_FILTER: Filter = { mapping: '', code: '', reason: '', includeReplayed: false }

/** "1 dead letter", "3 dead letters". */
const deadLetters = (n: number): string => `${n} dead letter${n === 1 ? '' : 's'}`

/** "2 dead letters match this filter (1 already replayed)." */
function countLine(shown: number, replayed: number, filtered: boolean): string {
  if (shown === 0) return `No dead letters${filtered ? ' match this filter' : ''}.`
  const match = filtered ? (shown === 1 ? ' matches this filter' : ' match this filter') : ''
  return `${deadLetters(shown)}${match}${replayed > 0 ? ` (${replayed} already replayed)` : ''}.`
}

export function DeadLettersPage() {
  const [form, setForm] = useState<Filter>(NO_FILTER)
  const [filter, setFilter] = useState<Filter>(form)
  const { data, error, reload } = useLoad(
    () =>
      get<{ items: DeadLetter[]; nextCursor: number | null }>(
        `/dead-letters${query({ mapping: filter.mapping, code: filter.code, reason: filter.reason, includeReplayed: filter.includeReplayed || undefined, limit: 200 })}`,
      ),
    [filter],
  )
  const mappings = useLoad(() => get<{ items: Mapping[] }>('/mappings'), [])
  const filtered = filter.mapping !== '' || filter.code !== '' || filter.reason !== ''
  const [inspected, setInspected] = useState<number | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [actionError, setActionError] = useState<ApiError | null>(null)

  const act = async (what: 'replay' | 'discard', ids: number[]): Promise<void> => {
    setActionError(null)
    setMessage(null)
    try {
      const result = await post<{ replayed?: number; discarded?: number }>(`/dead-letters/${what}`, { ids })
      setMessage(
        what === 'replay'
          ? `${deadLetters(result.replayed ?? 0)} queued for delivery again.`
          : `${deadLetters(result.discarded ?? 0)} discarded: ${ids.length === 1 ? 'it' : 'they'} will not be delivered.`,
      )
      if (what === 'discard' && inspected !== null && ids.includes(inspected)) setInspected(null)
      reload()
    } catch (failure) {
      setActionError(failure as ApiError)
    }
  }

  const pending = data?.items.filter((d) => d.replayedAt === null) ?? []
  const mappingName = (id: string | null): string =>
    id === null ? '—' : (mappings.data?.items.find((m) => m.id === id)?.name ?? 'a deleted mapping')

  return (
    <section>
      <h1 tabIndex={-1}>Dead letters</h1>
      <p class="hint">
        Deliveries Iterable rejected for good, or that kept failing until the retry window ran out.
      </p>
      <form
        class="card inline"
        onSubmit={(e) => {
          e.preventDefault()
          setFilter(form)
        }}
      >
        <div>
          <label for="dl-mapping">Mapping</label>
          <select
            id="dl-mapping"
            value={form.mapping}
            onChange={(e) => setForm({ ...form, mapping: e.currentTarget.value })}
          >
            <option value="">All mappings</option>
            {(mappings.data?.items ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="dl-code">Error code</label>
          <input
            id="dl-code"
            type="text"
            value={form.code}
            onInput={(e) => setForm({ ...form, code: e.currentTarget.value })}
          />
        </div>
        <div>
          <label for="dl-reason">Reason contains</label>
          <input
            id="dl-reason"
            type="text"
            value={form.reason}
            onInput={(e) => setForm({ ...form, reason: e.currentTarget.value })}
          />
        </div>
        <label>
          <input
            type="checkbox"
            checked={form.includeReplayed}
            onChange={(e) => setForm({ ...form, includeReplayed: e.currentTarget.checked })}
          />{' '}
          Include replayed
        </label>
        <button type="submit">Filter</button>
        {filtered || filter.includeReplayed ? (
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setForm(NO_FILTER)
              setFilter(NO_FILTER)
            }}
          >
            Clear filter
          </button>
        ) : null}
      </form>
      <ErrorMessage error={error} />
      <ErrorMessage error={actionError} />
      {message !== null ? (
        <p class="success" role="status">
          {message}
        </p>
      ) : null}
      {inspected !== null ? (
        <DeadLetterDetail
          id={inspected}
          onClose={() => {
            // Back to the row's Inspect button (keyboard users continue where they were).
            document.getElementById(`inspect-${inspected}`)?.focus()
            setInspected(null)
          }}
        />
      ) : null}
      {data !== null ? (
        <p data-testid="dead-letter-count" aria-live="polite">
          {countLine(data.items.length, data.items.length - pending.length, filtered)}
          {data.nextCursor !== null ? ' Only the first 200 are shown.' : ''}
        </p>
      ) : null}
      {data !== null ? (
        data.items.length === 0 ? null : (
          <>
            <div class="actions">
              <button
                type="button"
                class="secondary"
                disabled={pending.length === 0}
                onClick={() =>
                  void act(
                    'replay',
                    pending.map((d) => d.id),
                  )
                }
              >
                Replay all {pending.length} shown
              </button>
            </div>
            <table>
              <thead>
                <tr>
                  <th>When</th>
                  <th>Mapping</th>
                  <th>Message ID</th>
                  <th>Why</th>
                  <th>Attempts</th>
                  <th>
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((d) => (
                  <tr key={d.id} data-testid="dead-letter-row">
                    <td>{formatTime(d.deadAt)}</td>
                    <td>
                      {mappingName(d.mappingId)} <code class="hint">{d.action}</code>
                    </td>
                    <td>
                      <code>{d.messageId}</code>
                    </td>
                    <td>
                      {d.reason} <code class="hint">{d.code}</code>
                      {d.replayedAt !== null ? (
                        <span class="badge delivered"> replayed {formatTime(d.replayedAt)}</span>
                      ) : null}
                    </td>
                    <td>{d.attempts}</td>
                    <td class="actions">
                      <button
                        type="button"
                        class="secondary"
                        id={`inspect-${d.id}`}
                        aria-label={`Inspect dead letter ${d.id}`}
                        onClick={() => setInspected(d.id)}
                      >
                        Inspect
                      </button>
                      <button
                        type="button"
                        aria-label={`Replay dead letter ${d.id}`}
                        disabled={d.replayedAt !== null}
                        onClick={() => void act('replay', [d.id])}
                      >
                        Replay
                      </button>
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Discard dead letter ${d.id}`}
                        disabled={d.replayedAt !== null}
                        onClick={() => {
                          if (
                            confirm(`Discard dead letter ${d.id} (${d.messageId})? It will not be delivered.`)
                          )
                            void act('discard', [d.id])
                        }}
                      >
                        Discard
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )
      ) : null}
    </section>
  )
}
