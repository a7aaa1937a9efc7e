// Event lookup: by messageId, userId or email → the stored events and, per mapping, what was sent
// and what happened.
import { useEffect, useState } from 'preact/hooks'
import { get, query, type ApiError } from '../api'
import { ErrorMessage } from '../components/ErrorMessage'
import { LookedUpEventView } from '../components/LookedUpEventView'
import type { LookedUpEvent } from '../types'

type By = 'messageId' | 'userId' | 'email'

const LABELS: Record<By, string> = { messageId: 'Message ID', userId: 'User ID', email: 'Email' }

export function EventLookupPage({ initial }: { initial: string | null }) {
  const [by, setBy] = useState<By>('messageId')
  const [value, setValue] = useState(initial ?? '')
  const [items, setItems] = useState<LookedUpEvent[] | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)

  const lookUp = async (kind: By, text: string): Promise<void> => {
    if (text.trim() === '') return
    setBusy(true)
    setError(null)
    setItems(null)
    try {
      const answer =
        kind === 'messageId'
          ? await get<{ items: LookedUpEvent[] }>(`/events/${encodeURIComponent(text.trim())}`)
          : await get<{ items: LookedUpEvent[] }>(`/events${query({ [kind]: text.trim() })}`)
      setItems(answer.items)
    } catch (failure) {
      setError(failure as ApiError)
    } finally {
      setBusy(false)
    }
  }

  useEffect(() => {
    if (initial !== null) {
      setBy('messageId')
      setValue(initial)
      void lookUp('messageId', initial)
    }
  }, [initial])

  return (
    <section>
      <h1 tabIndex={-1}>Event lookup</h1>
      <form
        class="card inline"
        onSubmit={(e) => {
          e.preventDefault()
          void lookUp(by, value)
        }}
      >
        <div>
          <label for="lookup-by">Look up by</label>
          <select id="lookup-by" value={by} onChange={(e) => setBy(e.currentTarget.value as By)}>
            {(Object.keys(LABELS) as By[]).map((k) => (
              <option key={k} value={k}>
                {LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div style={{ flex: '1 1 20rem' }}>
          <label for="lookup-value">{LABELS[by]}</label>
          <input
            id="lookup-value"
            type="search"
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
            aria-describedby="lookup-error"
          />
        </div>
        <button type="submit" disabled={busy || value.trim() === ''}>
          Look up
        </button>
      </form>
      <ErrorMessage error={error} id="lookup-error" />
      {by === 'email' ? (
        <p class="hint">
          Events are filed under their user ID when they have one; by email only when they have none (email in
          traits or context.traits). For a user with a user ID, look up by user ID.
        </p>
      ) : null}
      {items !== null && items.length === 0 ? (
        <p>No stored events for this {LABELS[by].toLowerCase()}.</p>
      ) : null}
      {items?.map((item) => (
        <LookedUpEventView key={item.id} item={item} />
      ))}
    </section>
  )
}
