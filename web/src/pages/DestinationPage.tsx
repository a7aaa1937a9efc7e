// Destination settings: the API key (masked, write-only), data center, project type, the connection
// test, enable/disable and resume after a pause (a 401 from Iterable pauses delivery).
import { useEffect, useState } from 'preact/hooks'
import { get, patch, post, type ApiError } from '../api'
import { ErrorMessage } from '../components/ErrorMessage'
import { formatTime } from '../format'
import type { Destination, SettingDefinition } from '../types'
import { useLoad } from '../use-load'
import { DestinationSelect } from '../components/DestinationSelect'
import { WaitingForReplay } from '../components/WaitingForReplay'

interface ConnectionResult {
  ok: boolean
  message: string
  status?: number
  baseUrl: string
}

async function loadAll(): Promise<{ destinations: Destination[]; settings: SettingDefinition[] }> {
  const [destinations, definition] = await Promise.all([
    get<{ items: Destination[] }>('/destinations'),
    get<{ items: SettingDefinition[] }>('/settings-definition'),
  ])
  return { destinations: destinations.items, settings: definition.items }
}

function choicesOf(settings: SettingDefinition[], key: string): Array<{ label: string; value: string }> {
  return settings.find((s) => s.key === key)?.choices ?? []
}

export function DestinationPage() {
  const { data, error, reload } = useLoad(loadAll, [])
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const destination = data?.destinations.find((d) => d.id === selectedId) ?? data?.destinations[0] ?? null

  const [apiKey, setApiKey] = useState('')
  const [dataCenter, setDataCenter] = useState('united_states')
  const [projectType, setProjectType] = useState('')
  const [saveError, setSaveError] = useState<ApiError | null>(null)
  const [saved, setSaved] = useState(false)
  const [actionError, setActionError] = useState<ApiError | null>(null)
  const [connection, setConnection] = useState<ConnectionResult | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (destination === null) return
    setDataCenter(destination.settings.dataCenterLocation ?? 'united_states')
    setProjectType(destination.settings.projectType ?? '')
    setApiKey('')
  }, [destination?.id, destination?.settings.dataCenterLocation, destination?.settings.projectType])

  if (data === null) {
    return (
      <section>
        <h1 tabIndex={-1}>Destination</h1>
        {error !== null ? <ErrorMessage error={error} /> : <p>Loading…</p>}
      </section>
    )
  }
  if (destination === null) {
    return (
      <section>
        <h1 tabIndex={-1}>Destination</h1>
        <p>No destination is configured. Start `serve` once, or apply a configuration file.</p>
      </section>
    )
  }
  const path = `/destinations/${encodeURIComponent(destination.id)}`
  const describe = (key: string): string | undefined => data.settings.find((s) => s.key === key)?.description

  const run = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true)
    setActionError(null)
    try {
      await work()
    } catch (failure) {
      setActionError(failure as ApiError)
    } finally {
      setBusy(false)
    }
  }

  const save = async (event: Event): Promise<void> => {
    event.preventDefault()
    setSaveError(null)
    setSaved(false)
    setBusy(true)
    try {
      await patch(path, {
        settings: {
          ...(apiKey !== '' ? { apiKey } : {}),
          dataCenterLocation: dataCenter,
          projectType: projectType === '' ? null : projectType,
        },
      })
      setApiKey('')
      setSaved(true)
      reload()
    } catch (failure) {
      setSaveError(failure as ApiError)
    } finally {
      setBusy(false)
    }
  }

  const testConnection = (): Promise<void> =>
    run(async () => {
      setConnection(null)
      setConnection(
        await post<ConnectionResult>(`${path}/test-connection`, {
          ...(apiKey !== '' ? { apiKey } : {}),
          dataCenterLocation: dataCenter,
        }),
      )
    })

  const keyError = saveError?.path?.includes('apiKey') ? saveError : null
  const otherSaveError = keyError === null ? saveError : null

  return (
    <section>
      <h1 tabIndex={-1}>Destination</h1>
      {data.destinations.length > 1 ? (
        <div class="inline">
          <DestinationSelect
            id="destination-select"
            destinations={data.destinations}
            value={destination.id}
            onChange={setSelectedId}
          />
        </div>
      ) : null}
      <WaitingForReplay destinationId={destination.id} />
      <div class="card">
        <h2>{destination.name}</h2>
        <p>
          Delivery:{' '}
          <span class={`badge ${destination.enabled ? 'on' : 'off'}`}>
            {destination.enabled ? 'Enabled' : 'Disabled'}
          </span>{' '}
          (state: {destination.state}) · sends to <code>{destination.baseUrl}</code>
        </p>
        {destination.paused !== null ? (
          <p class="warning" role="status">
            Paused since {formatTime(destination.paused.since)}: {destination.paused.reason}. Events wait in
            the queue until you fix the API key or resume.
          </p>
        ) : null}
        <div class="actions">
          {destination.enabled ? (
            <button
              type="button"
              class="danger"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  await post(`${path}/disable`)
                  reload()
                })
              }
            >
              Disable delivery
            </button>
          ) : (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  await post(`${path}/enable`)
                  reload()
                })
              }
            >
              Enable delivery
            </button>
          )}
          {destination.paused !== null ? (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  await post(`${path}/resume`)
                  reload()
                })
              }
            >
              Resume delivery
            </button>
          ) : null}
        </div>
        <ErrorMessage error={actionError} />
      </div>

      <form class="card" onSubmit={save}>
        <h2>Settings</h2>
        <label for="api-key">API key</label>
        <p class="hint" id="api-key-current">
          {destination.settings.apiKey.set
            ? `A key is set (ends ${destination.settings.apiKey.hint ?? '…'}). It is never shown; type a new one to replace it.`
            : 'No API key is set: nothing can be delivered until you add one.'}
        </p>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          placeholder={
            destination.settings.apiKey.set ? '•••••••• (unchanged)' : 'Paste the server-side API key'
          }
          value={apiKey}
          onInput={(e) => setApiKey(e.currentTarget.value)}
          aria-describedby="api-key-current"
          aria-invalid={keyError !== null}
        />
        <ErrorMessage error={keyError} />

        <label for="data-center">Data center</label>
        <p class="hint">{describe('dataCenterLocation')}</p>
        <select id="data-center" value={dataCenter} onChange={(e) => setDataCenter(e.currentTarget.value)}>
          {choicesOf(data.settings, 'dataCenterLocation').map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>

        <label for="project-type">Project type</label>
        <p class="hint">{describe('projectType')}</p>
        <select id="project-type" value={projectType} onChange={(e) => setProjectType(e.currentTarget.value)}>
          <option value="">Not set (behave like Segment)</option>
          {choicesOf(data.settings, 'projectType').map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>

        <ErrorMessage error={otherSaveError} />
        {saved ? (
          <p class="success" role="status">
            Settings saved.
          </p>
        ) : null}
        <div class="actions">
          <button type="submit" disabled={busy}>
            Save settings
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={() => void testConnection()}>
            Test connection
          </button>
        </div>
        {connection !== null ? (
          <p class={connection.ok ? 'success' : 'error'} role="status">
            {connection.ok
              ? `Connected: ${connection.message}`
              : `Iterable refused the key${connection.status ? ` (HTTP ${connection.status})` : ''}: ${connection.message}`}
          </p>
        ) : null}
      </form>
    </section>
  )
}
