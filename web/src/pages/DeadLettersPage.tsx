// Dead letters: deliveries that were given up on. Grouped by cause with counts (a whole group is
// replayed or discarded at once), then listed page by page with the total; inspect one, replay or
// discard it. Below, the events a mapping could not build a request for (nothing was sent).
import { useState } from 'preact/hooks'
import { get, post, query, type ApiError } from '../api'
import { DeadLetterDetail } from '../components/DeadLetterDetail'
import { DeadLetterGroups } from '../components/DeadLetterGroups'
import { ErrorMessage } from '../components/ErrorMessage'
import { MappingFailures } from '../components/MappingFailures'
import { formatTime } from '../format'
import type { DeadLetter, DeadLetterGroup, Mapping } from '../types'
import { useLoad } from '../use-load'

interface Filter {
  mapping: string
  code: string
  reason: string
  field: string
  includeReplayed: boolean
}

const NO_FILTER: Filter = { mapping: '', code: '', reason: '', field: '', includeReplayed: false }
const PAGE = 100

/** "1 dead letter", "3 dead letters". */
const deadLetters = (n: number): string => `${n} dead letter${n === 1 ? '' : 's'}`

/** "2 dead letters match this filter.", or when paged "Dead letters 101–200 of 257 (this filter)." */
function countLine(first: number, shown: number, total: number, filtered: boolean): string {
  if (total === 0) return `No dead letters${filtered ? ' match this filter' : ''}.`
  if (shown === total) {
    return `${deadLetters(total)}${filtered ? (total === 1 ? ' matches' : ' match') + ' this filter' : ''}.`
  }
  return `Dead letters ${first}–${first + shown - 1} of ${total}${filtered ? ' (this filter)' : ''}.`
}

export function DeadLettersPage() {
  const [form, setForm] = useState<Filter>(NO_FILTER)
  const [filter, setFilter] = useState<Filter>(form)
  /** The cursors of the pages before the one shown (paging back). */
  const [cursors, setCursors] = useState<number[]>([])
  const after = cursors[cursors.length - 1]
  const asQuery = {
    mapping: filter.mapping,
    code: filter.code,
    reason: filter.reason,
    field: filter.field,
    includeReplayed: filter.includeReplayed || undefined,
  }
  const { data, error, reload } = useLoad(
    () =>
      get<{ items: DeadLetter[]; nextCursor: number | null; total: number }>(
        `/dead-letters${query({ ...asQuery, limit: PAGE, after })}`,
      ),
    [filter, after],
  )
  const groups = useLoad(
    () => get<{ items: DeadLetterGroup[] }>(`/dead-letters/groups${query(asQuery)}`),
    [filter],
  )
  const mappings = useLoad(() => get<{ items: Mapping[] }>('/mappings'), [])
  const filtered = filter.mapping !== '' || filter.code !== '' || filter.reason !== '' || filter.field !== ''
  const [inspected, setInspected] = useState<number | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [actionError, setActionError] = useState<ApiError | null>(null)

  const applyFilter = (next: Filter): void => {
    setForm(next)
    setFilter(next)
    setCursors([])
  }
  const act = async (what: 'replay' | 'discard', selector: object, count?: number): Promise<void> => {
    setActionError(null)
    setMessage(null)
    try {
      const result = await post<{ replayed?: number; discarded?: number }>(`/dead-letters/${what}`, selector)
      setMessage(
        what === 'replay'
          ? `${deadLetters(result.replayed ?? 0)} queued for delivery again.`
          : `${deadLetters(result.discarded ?? 0)} discarded: ${count === 1 ? 'it' : 'they'} will not be delivered.`,
      )
      if (what === 'discard') setInspected(null)
      setCursors([])
      reload()
      groups.reload()
    } catch (failure) {
      setActionError(failure as ApiError)
    }
  }
  const groupSelector = (g: DeadLetterGroup) => ({
    group: { destination: g.destination, mapping: g.mapping, code: g.code, reason: g.reason, field: g.field },
  })
  /** Every dead letter the filter matches, on every page (replayed ones are never sent twice). */
  const allMatching = filtered
    ? { filter: { mapping: filter.mapping, code: filter.code, reason: filter.reason, field: filter.field } }
    : { all: true }

  const mappingName = (id: string | null): string =>
    id === null ? '—' : (mappings.data?.items.find((m) => m.id === id)?.name ?? 'a deleted mapping')
  const first = cursors.length * PAGE + 1

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
          applyFilter(form)
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
          <label for="dl-field">Field</label>
          <input
            id="dl-field"
            type="text"
            value={form.field}
            onInput={(e) => setForm({ ...form, field: e.currentTarget.value })}
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
          <button type="button" class="secondary" onClick={() => applyFilter(NO_FILTER)}>
            Clear filter
          </button>
        ) : null}
      </form>
      <ErrorMessage error={error} />
      <ErrorMessage error={groups.error} />
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
      <DeadLetterGroups
        groups={groups.data?.items ?? []}
        mappingName={mappingName}
        onShow={(g) =>
          applyFilter({
            ...NO_FILTER,
            mapping: g.mapping ?? '',
            code: g.code,
            reason: g.reason,
            field: g.field ?? '',
          })
        }
        onAct={(what, g) => void act(what, groupSelector(g), g.count)}
      />
      {data !== null ? (
        <p data-testid="dead-letter-count" aria-live="polite">
          {countLine(first, data.items.length, data.total, filtered)}
        </p>
      ) : null}
      {data !== null && data.total > 0 ? (
        <div class="actions">
          <button
            type="button"
            class="secondary"
            onClick={() => {
              if (
                confirm(`Replay every dead letter${filtered ? ' matching this filter' : ''} (${data.total})?`)
              )
                void act('replay', allMatching, data.total)
            }}
          >
            Replay all {data.total}
          </button>
          <button
            type="button"
            class="secondary"
            disabled={cursors.length === 0}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            Previous page
          </button>
          <button
            type="button"
            class="secondary"
            disabled={data.nextCursor === null}
            onClick={() => data.nextCursor !== null && setCursors([...cursors, data.nextCursor])}
          >
            Next page
          </button>
        </div>
      ) : null}
      {data !== null && data.items.length > 0 ? (
        <table aria-label="Dead letters">
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
                    onClick={() => void act('replay', { ids: [d.id] }, 1)}
                  >
                    Replay
                  </button>
                  <button
                    type="button"
                    class="danger"
                    aria-label={`Discard dead letter ${d.id}`}
                    disabled={d.replayedAt !== null}
                    onClick={() => {
                      if (confirm(`Discard dead letter ${d.id} (${d.messageId})? It will not be delivered.`))
                        void act('discard', { ids: [d.id] }, 1)
                    }}
                  >
                    Discard
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <MappingFailures mappingName={mappingName} />
    </section>
  )
}
