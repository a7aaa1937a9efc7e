// Dead letters: deliveries that were given up on. Filter them, inspect one, replay (send again) or
// discard them.
import { useState } from 'preact/hooks'
import { get, post, query, type ApiError } from '../api'
import { DeadLetterDetail } from '../components/DeadLetterDetail'
import { ErrorMessage } from '../components/ErrorMessage'
import { formatTime } from '../format'
import type { DeadLetter } from '../types'
import { useLoad } from '../use-load'

interface Filter {
  code: string
  reason: string
  includeReplayed: boolean
}

export function DeadLettersPage() {
  const [form, setForm] = useState<Filter>({ code: '', reason: '', includeReplayed: false })
  const [filter, setFilter] = useState<Filter>(form)
  const { data, error, reload } = useLoad(
    () =>
      get<{ items: DeadLetter[]; nextCursor: number | null }>(
        `/dead-letters${query({ code: filter.code, reason: filter.reason, includeReplayed: filter.includeReplayed || undefined, limit: 200 })}`,
      ),
    [filter],
  )
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
          ? `${result.replayed ?? 0} dead letter(s) queued for delivery again.`
          : `${result.discarded ?? 0} dead letter(s) discarded.`,
      )
      reload()
    } catch (failure) {
      setActionError(failure as ApiError)
    }
  }

  const pending = data?.items.filter((d) => d.replayedAt === null) ?? []

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
      </form>
      <ErrorMessage error={error} />
      <ErrorMessage error={actionError} />
      {message !== null ? (
        <p class="success" role="status">
          {message}
        </p>
      ) : null}
      {inspected !== null ? <DeadLetterDetail id={inspected} onClose={() => setInspected(null)} /> : null}
      {data !== null ? (
        data.items.length === 0 ? (
          <p>No dead letters{filter.code || filter.reason ? ' match this filter' : ''}.</p>
        ) : (
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
                  <th>Action</th>
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
                    <td>{d.action}</td>
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
                          if (confirm('Discard this dead letter? It will not be delivered.'))
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
