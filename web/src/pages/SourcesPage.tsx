// Sources: the write keys Segment libraries send with. Create, rotate and revoke them; a key is shown
// in full once, right after it is made, and as a hint (`…abcd`) ever after.
import { useState } from 'preact/hooks'
import { get, post, type ApiError } from '../api'
import { ErrorMessage } from '../components/ErrorMessage'
import { NewWriteKey } from '../components/NewWriteKey'
import { formatTime } from '../format'
import type { NewWriteKey as Created, Source } from '../types'
import { useLoad } from '../use-load'

export function SourcesPage() {
  const { data, error, reload } = useLoad(() => get<{ items: Source[] }>('/sources'), [])
  const [name, setName] = useState('')
  const [created, setCreated] = useState<Created | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [actionError, setActionError] = useState<ApiError | null>(null)
  const [showRevoked, setShowRevoked] = useState(false)

  const run = async (action: () => Promise<void>): Promise<void> => {
    setActionError(null)
    setMessage(null)
    try {
      await action()
    } catch (failure) {
      setActionError(failure as ApiError)
    }
    reload()
  }
  const create = () =>
    run(async () => {
      setCreated(await post<Created>('/sources', { name: name.trim() }))
      setName('')
    })
  const rotate = (source: Source) =>
    run(async () => setCreated(await post<Created>(`/sources/${encodeURIComponent(source.id)}/rotate`)))
  const revoke = (source: Source) =>
    run(async () => {
      await post(`/sources/${encodeURIComponent(source.id)}/revoke`)
      setCreated(null)
      setMessage(`The write key of “${source.name}” (${source.writeKeyHint}) is revoked.`)
    })

  const all = data?.items ?? []
  const shown = showRevoked ? all : all.filter((s) => s.active)
  const revokedCount = all.length - all.filter((s) => s.active).length
  return (
    <section>
      <h1 tabIndex={-1}>Sources</h1>
      <p class="hint">
        Each source has a write key: Segment libraries send it (HTTP Basic user name, or{' '}
        <code>"writeKey"</code> in the body). Events keep the id of the source that received them.
      </p>
      {created !== null ? <NewWriteKey created={created} onDismiss={() => setCreated(null)} /> : null}
      <form
        class="card inline"
        onSubmit={(e) => {
          e.preventDefault()
          void create()
        }}
      >
        <div>
          <label for="source-name">Name</label>
          <input
            id="source-name"
            type="text"
            value={name}
            maxLength={200}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <button type="submit" disabled={name.trim() === ''}>
          Create source
        </button>
      </form>
      <ErrorMessage error={error} />
      <ErrorMessage error={actionError} />
      {message !== null ? (
        <p class="success" role="status">
          {message}
        </p>
      ) : null}
      {revokedCount > 0 ? (
        <label>
          <input
            type="checkbox"
            checked={showRevoked}
            onChange={(e) => setShowRevoked(e.currentTarget.checked)}
          />{' '}
          Show {revokedCount} revoked
        </label>
      ) : null}
      {data !== null && shown.length === 0 ? <p>No active source: events are refused (401).</p> : null}
      {shown.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Write key</th>
              <th>Status</th>
              <th>Created</th>
              <th>
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((s) => (
              <tr key={s.id} data-testid="source-row">
                <td>{s.name}</td>
                <td>
                  <code>{s.writeKeyHint}</code>
                </td>
                <td>
                  {s.active ? (
                    <span class="badge on">active</span>
                  ) : (
                    <span class="badge off">revoked {formatTime(s.revokedAt)}</span>
                  )}
                </td>
                <td>{formatTime(s.createdAt)}</td>
                <td class="actions">
                  {s.active ? (
                    <>
                      <button
                        type="button"
                        class="secondary"
                        aria-label={`Rotate the write key of ${s.name}`}
                        onClick={() => {
                          if (
                            confirm(
                              `Rotate the write key of “${s.name}”? The current key stops working at once.`,
                            )
                          )
                            void rotate(s)
                        }}
                      >
                        Rotate
                      </button>
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Revoke the write key of ${s.name}`}
                        onClick={() => {
                          if (
                            confirm(`Revoke the write key of “${s.name}”? Its requests get 401 from now on.`)
                          )
                            void revoke(s)
                        }}
                      >
                        Revoke
                      </button>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
