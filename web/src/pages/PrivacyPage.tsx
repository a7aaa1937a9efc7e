// Privacy: forget, delete or unforget one user (at Iterable and in this service's own data), and the
// audit of those actions. The audit holds salted hashes only, so the page never lists who was forgotten.
import { useState } from 'preact/hooks'
import { get, post, type ApiError } from '../api'
import { ErrorMessage } from '../components/ErrorMessage'
import { formatTime } from '../format'
import type { Destination, PrivacyRecord, PrivacyResult } from '../types'
import { useLoad } from '../use-load'

type Action = 'forget' | 'delete' | 'unforget'

const CONFIRM: Record<Action, string> = {
  forget:
    'Forget this user? Their queued items are dropped, this service deletes its copies of their data, ' +
    'Iterable forgets them, and their later events are kept out until you unforget them.',
  delete:
    'Delete this user? Their queued items are dropped, this service deletes its copies of their data and ' +
    'Iterable deletes the user. Later events are let in (and may create the user again).',
  unforget: 'Unforget this user? Their events are let in again. Deleted data does not come back.',
}

const PAGE_SIZE = 50
/** The most the audit route answers at once. */
const MAX_RECORDS = 1000

function deletedText(deleted: PrivacyResult['deleted']): string {
  if (deleted === null) return 'nothing deleted here'
  return (
    `${deleted.events} events, ${deleted.outcomes} outcomes, ${deleted.parked} queued items, ` +
    `${deleted.deadLetters} dead letters, ${deleted.attempts} requests deleted here`
  )
}

function ResultView({ result }: { result: PrivacyResult }) {
  return (
    <div class={`card ${result.outcome === 'succeeded' ? 'success' : 'error'}`} data-testid="privacy-result">
      <p role="status">
        {result.action[0].toUpperCase() + result.action.slice(1)}: {result.outcome} (audit record {result.id}
        ); {deletedText(result.deleted)}.
      </p>
      {result.projects.length === 0 ? (
        <p>No enabled destination: Iterable was not called.</p>
      ) : (
        <ul>
          {result.projects.map((p) => (
            <li key={p.destinationId}>
              {p.destinationName}: {p.outcome}
              {p.status !== null
                ? ` (Iterable answered ${p.status}${p.code !== null ? ` ${p.code}` : ''})`
                : ''}
              {p.outcome !== 'succeeded' ? ` — ${p.message}` : ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

export function PrivacyPage() {
  const [limit, setLimit] = useState(PAGE_SIZE)
  const destinations = useLoad(() => get<{ items: Destination[] }>('/destinations'), [])
  const audit = useLoad(
    () => get<{ items: PrivacyRecord[] }>(`/users/privacy-actions?limit=${limit}`),
    [limit],
  )
  const [email, setEmail] = useState('')
  const [userId, setUserId] = useState('')
  const [destinationId, setDestinationId] = useState('')
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<PrivacyResult | null>(null)
  const [failure, setFailure] = useState<ApiError | null>(null)

  const run = async (action: Action): Promise<void> => {
    if (!confirm(CONFIRM[action])) return
    setBusy(true)
    setFailure(null)
    setResult(null)
    try {
      const body = {
        ...(email.trim() !== '' ? { email: email.trim() } : {}),
        ...(userId.trim() !== '' ? { userId: userId.trim() } : {}),
        ...(destinationId !== '' ? { destination: destinationId } : {}),
      }
      setResult(await post<PrivacyResult>(`/users/${action}`, body))
      // The identifiers are not kept on the page once the action is done.
      setEmail('')
      setUserId('')
    } catch (error) {
      setFailure(error as ApiError)
    } finally {
      setBusy(false)
      audit.reload()
    }
  }

  const named = email.trim() !== '' || userId.trim() !== ''
  const names = new Map((destinations.data?.items ?? []).map((d) => [d.id, d.name]))
  const records = audit.data?.items ?? []
  return (
    <section>
      <h1 tabIndex={-1}>Privacy</h1>
      <p class="hint">
        The right to be forgotten: name a user by email, userId or both. Iterable is called for every enabled
        destination’s project, or only the one chosen. The audit below keeps salted hashes, never the
        identifiers.
      </p>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault()
          void run('forget')
        }}
      >
        <div class="inline">
          <div>
            <label for="privacy-email">Email</label>
            <input
              id="privacy-email"
              type="email"
              autocomplete="off"
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          </div>
          <div>
            <label for="privacy-user-id">User ID</label>
            <input
              id="privacy-user-id"
              type="text"
              autocomplete="off"
              value={userId}
              onInput={(e) => setUserId(e.currentTarget.value)}
            />
          </div>
          <div>
            <label for="privacy-destination">Destination</label>
            <select
              id="privacy-destination"
              value={destinationId}
              onChange={(e) => setDestinationId(e.currentTarget.value)}
            >
              <option value="">Every enabled destination</option>
              {(destinations.data?.items ?? []).map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div class="actions">
          <button type="submit" class="danger" disabled={!named || busy}>
            Forget
          </button>
          <button type="button" class="danger" disabled={!named || busy} onClick={() => void run('delete')}>
            Delete
          </button>
          <button
            type="button"
            class="secondary"
            disabled={!named || busy}
            onClick={() => void run('unforget')}
          >
            Unforget
          </button>
        </div>
      </form>
      <ErrorMessage error={failure} />
      {result !== null ? <ResultView result={result} /> : null}

      <h2>Audit</h2>
      <ErrorMessage error={audit.error} />
      {audit.data !== null && records.length === 0 ? <p>No user was forgotten or deleted yet.</p> : null}
      {records.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Action</th>
              <th>Outcome</th>
              <th>Iterable</th>
              <th>Deleted here</th>
              <th>Subject (salted hash)</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.id} data-testid="privacy-record">
                <td>{formatTime(r.at)}</td>
                <td>{r.action}</td>
                <td>{r.outcome}</td>
                <td>
                  {r.projects.length === 0
                    ? 'not called'
                    : r.projects
                        .map(
                          (p) => `${names.get(p.destinationId) ?? p.destinationId}: ${p.status ?? p.outcome}`,
                        )
                        .join(', ')}
                </td>
                <td>
                  {r.deleted === null
                    ? '—'
                    : `${r.deleted.events} events, ${r.deleted.deadLetters} dead letters`}
                </td>
                <td>
                  <code title={r.subjectHash}>{r.subjectHash.slice(0, 12)}…</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {records.length === limit && limit < MAX_RECORDS ? (
        <button type="button" class="secondary" onClick={() => setLimit(limit + PAGE_SIZE)}>
          Show older
        </button>
      ) : null}
    </section>
  )
}
