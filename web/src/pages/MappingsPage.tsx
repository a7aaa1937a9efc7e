// Mappings: the list (trigger, action, enabled, delivery counts) and creating one from a preset.
import { useRef, useState } from 'preact/hooks'
import { del, get, post, type ApiError } from '../api'
import { DestinationSelect } from '../components/DestinationSelect'
import { ErrorMessage } from '../components/ErrorMessage'
import { Link } from '../components/Link'
import { navigate } from '../router'
import type { Destination, Mapping, Preset } from '../types'
import { useLoad } from '../use-load'

async function loadAll(): Promise<{
  mappings: Mapping[]
  limit: number
  presets: Preset[]
  destinations: Destination[]
}> {
  const [mappings, presets, destinations] = await Promise.all([
    get<{ items: Mapping[]; limit: number }>('/mappings'),
    get<{ items: Preset[] }>('/presets'),
    get<{ items: Destination[] }>('/destinations'),
  ])
  return {
    mappings: mappings.items,
    limit: mappings.limit,
    // Presets with a trigger (the default four, the optional ones) first; then those for one of
    // Segment's specific events (Engage, Journeys, lists), whose trigger the draft asks for.
    presets: [
      ...presets.items.filter((p) => p.type !== 'specificEvent'),
      ...presets.items.filter((p) => p.type === 'specificEvent'),
    ],
    destinations: destinations.items,
  }
}

export function MappingsPage() {
  const { data, error, reload } = useLoad(loadAll, [])
  const [preset, setPreset] = useState('')
  // With several destinations a new mapping needs one (the limit of 50 is per destination).
  const [destinationId, setDestinationId] = useState('')
  const several = (data?.destinations.length ?? 0) > 1
  const target = destinationId !== '' ? destinationId : (data?.destinations[0]?.id ?? '')
  const used = data === null ? 0 : data.mappings.filter((m) => !several || m.destinationId === target).length
  const destinationName = (id: string): string => data?.destinations.find((d) => d.id === id)?.name ?? id
  const [rowError, setRowError] = useState<ApiError | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const noticeRef = useRef<HTMLParagraphElement>(null)

  // Creating opens a draft of the preset: nothing is stored until the draft is saved.
  const create = (event: Event): void => {
    event.preventDefault()
    const chosen = preset !== '' ? preset : data?.presets[0]?.name
    if (chosen === undefined) return
    // Always named when known: the draft's editors (subscription groups) ask about its destination.
    const destination = target !== '' ? `&destination=${encodeURIComponent(target)}` : ''
    navigate(`/mappings/new?preset=${encodeURIComponent(chosen)}${destination}`)
  }

  /** Runs a row action, then says what it did; `focusNotice` when the row's button goes away. */
  const act = async (work: () => Promise<unknown>, done: string, focusNotice = false): Promise<void> => {
    setRowError(null)
    setNotice(null)
    try {
      await work()
      setNotice(done)
      reload()
      if (focusNotice) setTimeout(() => noticeRef.current?.focus(), 0)
    } catch (failure) {
      setRowError(failure as ApiError)
    }
  }

  return (
    <section>
      <h1 tabIndex={-1}>Mappings</h1>
      <ErrorMessage error={error} />
      {data !== null ? (
        <>
          <form class="card inline" onSubmit={create}>
            <div>
              <label for="preset">Create a mapping from a preset</label>
              <select
                id="preset"
                value={preset !== '' ? preset : data.presets[0]?.name}
                onChange={(e) => setPreset(e.currentTarget.value)}
              >
                {data.presets
                  .filter((p) => p.type !== 'specificEvent')
                  .map((p) => (
                    <option key={p.name} value={p.name}>
                      {p.name} ({p.action})
                    </option>
                  ))}
                <optgroup label="For a specific Segment event (give the trigger that selects it)">
                  {data.presets
                    .filter((p) => p.type === 'specificEvent')
                    .map((p) => (
                      <option key={p.name} value={p.name}>
                        {p.name} ({p.action}
                        {p.eventSlug !== undefined ? `, ${p.eventSlug}` : ''})
                      </option>
                    ))}
                </optgroup>
              </select>
            </div>
            {several ? (
              <div>
                <DestinationSelect
                  id="mapping-destination"
                  destinations={data.destinations}
                  value={target}
                  onChange={setDestinationId}
                />
              </div>
            ) : null}
            <button type="submit" disabled={used >= data.limit}>
              Create mapping
            </button>
            <span class="hint">
              {used} of {data.limit} mappings used{several ? ` in ${destinationName(target)}` : ''}.
            </span>
          </form>
          <ErrorMessage error={rowError} />
          {notice !== null ? (
            <p class="success" role="status" tabIndex={-1} ref={noticeRef}>
              {notice}
            </p>
          ) : null}
          {data.mappings.length === 0 ? (
            <p>No mappings yet: events are accepted but nothing is sent to Iterable.</p>
          ) : (
            <table>
              <caption class="hint">
                Counts: delivery outcomes kept by the service (default retention).
              </caption>
              <thead>
                <tr>
                  <th>Name</th>
                  {several ? <th>Destination</th> : null}
                  <th>Trigger</th>
                  <th>Action</th>
                  <th>Enabled</th>
                  <th>Delivered / failed / dead</th>
                  <th>
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.mappings.map((m) => (
                  <tr key={m.id}>
                    <td>
                      <Link href={`/mappings/${encodeURIComponent(m.id)}`}>{m.name}</Link>
                    </td>
                    {several ? <td>{destinationName(m.destinationId)}</td> : null}
                    <td>
                      <code>{m.trigger}</code>
                    </td>
                    <td>{m.action}</td>
                    <td>
                      <span class={`badge ${m.enabled ? 'on' : 'off'}`}>
                        {m.enabled ? 'Enabled' : 'Disabled'}
                      </span>
                    </td>
                    <td class="counts">
                      {m.counts.delivered} / {m.counts.failed} / {m.counts.dead}
                      {m.counts.retrying > 0 ? ` (${m.counts.retrying} retrying)` : ''}
                    </td>
                    <td class="actions">
                      <button
                        type="button"
                        class="secondary"
                        aria-label={`${m.enabled ? 'Disable' : 'Enable'} ${m.name}`}
                        onClick={() =>
                          void act(
                            () =>
                              post(
                                `/mappings/${encodeURIComponent(m.id)}/${m.enabled ? 'disable' : 'enable'}`,
                              ),
                            m.enabled
                              ? `"${m.name}" is disabled: events no longer match it.`
                              : `"${m.name}" is enabled: matching events are sent with it again.`,
                          )
                        }
                      >
                        {m.enabled ? 'Disable' : 'Enable'}
                      </button>
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Delete ${m.name}`}
                        onClick={() => {
                          if (
                            confirm(`Delete the mapping "${m.name}"? Events will no longer be sent with it.`)
                          )
                            void act(
                              () => del(`/mappings/${encodeURIComponent(m.id)}`),
                              `"${m.name}" is deleted.`,
                              true,
                            )
                        }}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </section>
  )
}
