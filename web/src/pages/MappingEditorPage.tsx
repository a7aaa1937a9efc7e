// Mapping editor: name, trigger (live validation), and every field of the action with its
// description; saving validates on the server and shows each error next to the part at fault.
// "Create mapping" opens it as a draft of a preset (`/mappings/new?preset=…`): nothing is stored
// until the draft is saved with a unique name, and it is saved disabled (enabling is a later step).
// The sample event is the newest stored one the trigger matches (a built-in one of its type
// otherwise); batching is edited within the action's limit; a preview shows the request as you edit.
import { useEffect, useMemo, useState } from 'preact/hooks'
import { ApiError, get, patch, post } from '../api'
import { ErrorMessage } from '../components/ErrorMessage'
import { FieldEditor } from '../components/FieldEditor'
import { ListIdPicker } from '../components/ListIdPicker'
import { SubscriptionsEditor } from '../components/SubscriptionsEditor'
import { Link } from '../components/Link'
import { BatchingEditor, BatchSizeError, batchSizeOf, type BatchingDraft } from '../components/BatchingEditor'
import { MappingPreview } from '../components/MappingPreview'
import { SampleEvent } from '../components/SampleEvent'
import { TriggerEditor } from '../components/TriggerEditor'
import { draftOf, FieldDraftError, valueOf, type FieldDraft } from '../field-draft'
import { fieldOfPath } from '../format'
import { matchingSample } from '../mapping-sample'
import { pathsOf } from '../sample-event'
import { navigate } from '../router'
import type { ActionDefinition, Mapping, Preset } from '../types'
import { useLoad } from '../use-load'

/** Where a draft comes from: `/mappings/new?preset=NAME&destination=ID`. */
export interface DraftSource {
  preset: string | null
  destinationId: string | null
}

const NEW = 'new'

/** Batching controls the reference keeps among the fields: the Batching card edits them instead. */
const BATCH_FIELDS = new Set(['enable_batching', 'batch_size'])

/** The mapping's batching as stored (its `batching`, else the reference's fields, else on). */
function batchingDraftOf(mapping: Mapping, action: ActionDefinition | null): BatchingDraft {
  const max = action?.maxBatchSize ?? 1
  const enabled = mapping.batching?.enabled ?? mapping.fields.enable_batching
  const size = mapping.batching?.size ?? mapping.fields.batch_size
  return {
    enabled: typeof enabled === 'boolean' ? enabled : action?.batching === true,
    size: String(typeof size === 'number' ? Math.min(size, max) : max),
  }
}

/** The stored fields with the editor's drafts applied; throws FieldDraftError at a field's bad text. */
function fieldsFrom(
  mapping: Mapping,
  action: ActionDefinition | null,
  drafts: Record<string, FieldDraft>,
): Record<string, unknown> {
  // Fields the editor does not show (hidden) keep their stored values; batching is the mapping's own.
  const fields: Record<string, unknown> = { ...mapping.fields }
  for (const definition of action?.fields ?? []) {
    if (action?.batching === true && BATCH_FIELDS.has(definition.key)) {
      delete fields[definition.key]
      continue
    }
    const draft = drafts[definition.key]
    if (draft === undefined) continue
    const value = valueOf(definition.key, draft, definition)
    if (value === undefined) delete fields[definition.key]
    else fields[definition.key] = value
  }
  return fields
}

/** A stored mapping, or (id "new") the unsaved draft of a preset. */
async function loadMapping(id: string, source: DraftSource): Promise<Mapping> {
  if (id !== NEW) return get<Mapping>(`/mappings/${encodeURIComponent(id)}`)
  const presets = (await get<{ items: Preset[] }>('/presets')).items
  const preset = presets.find((p) => p.name === source.preset)
  if (preset === undefined)
    throw new Error(`Unknown preset "${source.preset ?? ''}": start again from Mappings.`)
  return {
    id: NEW,
    destinationId: source.destinationId ?? '',
    name: '',
    enabled: false,
    trigger: preset.trigger ?? '',
    action: preset.action,
    fields: preset.fields,
    batching: null,
    position: 0,
    createdAt: 0,
    updatedAt: 0,
    counts: { delivered: 0, failed: 0, retrying: 0, dead: 0 },
  }
}

async function loadAll(
  id: string,
  source: DraftSource,
): Promise<{ mapping: Mapping; action: ActionDefinition | null }> {
  const [mapping, actions] = await Promise.all([
    loadMapping(id, source),
    get<{ items: ActionDefinition[] }>('/actions'),
  ])
  return { mapping, action: actions.items.find((a) => a.key === mapping.action) ?? null }
}

export function MappingEditorPage({
  id,
  draftOf: source = { preset: null, destinationId: null },
  created = false,
}: {
  id: string
  draftOf?: DraftSource
  /** Just created from a draft: say so, and that it is disabled. */
  created?: boolean
}) {
  const isDraft = id === NEW
  const { data, error } = useLoad(() => loadAll(id, source), [id, source.preset, source.destinationId])
  const [name, setName] = useState('')
  const [trigger, setTrigger] = useState('')
  const [enabled, setEnabled] = useState(true)
  const [drafts, setDrafts] = useState<Record<string, FieldDraft>>({})
  const [sample, setSample] = useState('{}')
  const [sampleOrigin, setSampleOrigin] = useState<string | null>(null)
  const [batching, setBatching] = useState<BatchingDraft>({ enabled: false, size: '1' })
  const [saveError, setSaveError] = useState<ApiError | FieldDraftError | null>(null)
  const [saved, setSaved] = useState<string[] | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (data === null) return
    setName(data.mapping.name)
    setTrigger(data.mapping.trigger)
    setEnabled(data.mapping.enabled)
    const next: Record<string, FieldDraft> = {}
    for (const field of data.action?.fields ?? []) next[field.key] = draftOf(data.mapping.fields[field.key])
    setDrafts(next)
    setBatching(batchingDraftOf(data.mapping, data.action))
    void loadSample(data.mapping.trigger)
  }, [data])

  /** The newest stored event the trigger matches, or the built-in sample of its type. */
  const loadSample = async (forTrigger: string): Promise<void> => {
    const chosen = await matchingSample(forTrigger)
    setSample(JSON.stringify(chosen.event, null, 2))
    setSampleOrigin(chosen.origin)
  }

  const sampleParsed = useMemo((): { paths: string[]; error: string | null } => {
    try {
      return { paths: pathsOf(JSON.parse(sample)), error: null }
    } catch (failure) {
      return { paths: [], error: (failure as Error).message }
    }
  }, [sample])

  if (data === null) {
    return (
      <section>
        <h1 tabIndex={-1}>Mapping</h1>
        {error !== null ? <ErrorMessage error={error} /> : <p>Loading…</p>}
        <p>
          <Link href="/mappings">Back to Mappings</Link>
        </p>
      </section>
    )
  }
  const { mapping, action } = data
  const canBatch = action?.batching === true
  const maxBatchSize = action?.maxBatchSize ?? 1
  const visible =
    action?.fields.filter((f) => f.hidden !== true && !(canBatch && BATCH_FIELDS.has(f.key))) ?? []
  const batchSize = canBatch ? batchSizeOf(batching, maxBatchSize) : maxBatchSize
  const batchError = canBatch && batching.enabled && typeof batchSize === 'string' ? batchSize : null

  /** The batching to store; undefined for actions without a bulk endpoint. Throws at a bad size. */
  const batchingToSave = (): { enabled: boolean; size: number } | undefined => {
    if (!canBatch) return undefined
    if (!batching.enabled)
      return { enabled: false, size: typeof batchSize === 'number' ? batchSize : maxBatchSize }
    if (typeof batchSize === 'string') throw new BatchSizeError(batchSize)
    return { enabled: true, size: batchSize }
  }

  /** The draft as POST /test-mapping takes it, or the error that keeps it from being built. */
  const previewMapping = ((): Record<string, unknown> | Error => {
    try {
      const value = batchingToSave()
      return {
        name: name === '' ? 'draft' : name,
        trigger,
        action: mapping.action,
        fields: fieldsFrom(mapping, action, drafts),
        ...(value !== undefined ? { batching: value } : {}),
      }
    } catch (failure) {
      return failure as Error
    }
  })()
  let previewEvent: unknown = null
  try {
    previewEvent = JSON.parse(sample)
  } catch {
    // Said next to the sample event.
  }

  const save = async (event: Event): Promise<void> => {
    event.preventDefault()
    setSaveError(null)
    setSaved(null)
    setBusy(true)
    try {
      const fields = fieldsFrom(mapping, action, drafts)
      const batchingValue = batchingToSave()
      if (isDraft) {
        if (name.trim() === '') {
          throw new ApiError(
            400,
            'name_required',
            'Give the mapping a name (unique in its destination).',
            'body.name',
          )
        }
        // Saved disabled: enabling it is a separate, explicit step.
        const stored = await post<Mapping>('/mappings', {
          preset: source.preset,
          name,
          trigger,
          fields,
          enabled: false,
          ...(batchingValue !== undefined ? { batching: batchingValue } : {}),
          ...(mapping.destinationId !== '' ? { destinationId: mapping.destinationId } : {}),
        })
        navigate(`/mappings/${encodeURIComponent(stored.id)}?created=1`)
        return
      }
      const updated = await patch<Mapping>(`/mappings/${encodeURIComponent(mapping.id)}`, {
        name,
        trigger,
        enabled,
        fields,
        ...(batchingValue !== undefined ? { batching: batchingValue } : {}),
      })
      setSaved(updated.warnings ?? [])
    } catch (failure) {
      setSaveError(failure as ApiError | FieldDraftError)
    } finally {
      setBusy(false)
    }
  }

  const errorField =
    saveError instanceof FieldDraftError
      ? saveError.field
      : saveError instanceof ApiError
        ? fieldOfPath(saveError.path)
        : null
  const triggerError =
    saveError instanceof ApiError && saveError.path?.endsWith('.trigger') ? saveError : null
  const nameError = saveError instanceof ApiError && saveError.path?.endsWith('.name') ? saveError : null
  const batchRefused = saveError instanceof BatchSizeError
  const generalError =
    saveError !== null && errorField === null && triggerError === null && nameError === null && !batchRefused
      ? saveError
      : null

  return (
    <section>
      <h1 tabIndex={-1}>
        {isDraft ? `New mapping from "${source.preset ?? ''}"` : `Mapping: ${mapping.name}`}
      </h1>
      <p>
        <Link href="/mappings">{isDraft ? 'Cancel' : 'Back to Mappings'}</Link>
        {isDraft ? null : (
          <>
            {' · '}
            <Link href={`/test-mapping?mapping=${encodeURIComponent(mapping.id)}`}>Test mapping</Link>
          </>
        )}
      </p>
      {isDraft ? (
        <p class="hint">
          A draft: nothing is stored until you save it with a name no other mapping of the destination has. It
          is saved disabled; enable it once it is right.
        </p>
      ) : null}
      {created ? (
        <p class="success" role="status">
          Mapping created, disabled: it sends nothing until you enable it (tick Enabled and save).
        </p>
      ) : null}
      {mapping.warnings?.map((w) => (
        <p class="warning" key={w}>
          {w}
        </p>
      ))}
      <form onSubmit={save} noValidate>
        <div class="card">
          <label for="mapping-name">Name</label>
          <input
            id="mapping-name"
            type="text"
            placeholder={isDraft ? `e.g. ${source.preset ?? ''} (web)` : undefined}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            aria-invalid={nameError !== null}
          />
          <ErrorMessage error={nameError} />
          <p>
            Action: <strong>{action?.title ?? mapping.action}</strong>{' '}
            <code class="hint">{mapping.action}</code>
          </p>
          {action !== null ? <p class="hint">{action.description}</p> : null}
          {isDraft ? (
            <p class="hint">Saved disabled.</p>
          ) : (
            <label>
              <input
                type="checkbox"
                checked={enabled}
                onChange={(e) => setEnabled(e.currentTarget.checked)}
              />{' '}
              Enabled
            </label>
          )}
          <TriggerEditor value={trigger} onChange={setTrigger} saveError={triggerError} />
        </div>
        <SampleEvent
          text={sample}
          onChange={(text) => {
            setSample(text)
            setSampleOrigin('Edited here.')
          }}
          error={sampleParsed.error}
          origin={sampleOrigin}
          onReload={() => void loadSample(trigger)}
        />
        <div class="card">
          <h2>Fields</h2>
          <p class="hint">
            Fields marked <span class="required">*</span> are required. A path reads a value from the event; a
            literal is sent as typed; a directive is JSON such as{' '}
            <code>{'{"@template": "{{properties.name}}"}'}</code>.
          </p>
          {action === null ? (
            <ErrorMessage error={`The action "${mapping.action}" is unknown to this service.`} />
          ) : null}
          {visible.map((definition) => (
            <div key={definition.key}>
              <FieldEditor
                definition={definition}
                draft={drafts[definition.key] ?? { mode: 'literal', text: '' }}
                onChange={(draft) => setDrafts((all) => ({ ...all, [definition.key]: draft }))}
                error={errorField === definition.key ? saveError : null}
                paths={sampleParsed.paths}
              />
              {/* Lists whose items choose from Iterable's groups get a row editor (Update Subscriptions). */}
              {definition.properties?.some((p) => p.dynamic === true) === true ? (
                <SubscriptionsEditor
                  definition={definition}
                  destinationId={mapping.destinationId}
                  draft={drafts[definition.key] ?? { mode: 'literal', text: '' }}
                  onChange={(draft) => setDrafts((all) => ({ ...all, [definition.key]: draft }))}
                />
              ) : null}
              {/* A field whose value is one of Iterable's lists (Sync To Iterable Lists). */}
              {definition.dynamic === true ? (
                <ListIdPicker
                  definition={definition}
                  destinationId={mapping.destinationId}
                  draft={drafts[definition.key] ?? { mode: 'literal', text: '' }}
                  onChange={(draft) => setDrafts((all) => ({ ...all, [definition.key]: draft }))}
                />
              ) : null}
            </div>
          ))}
        </div>
        {canBatch ? (
          <BatchingEditor draft={batching} maxSize={maxBatchSize} onChange={setBatching} error={batchError} />
        ) : null}
        <MappingPreview
          input={{
            mapping: previewMapping,
            event: previewEvent,
            eventError: sampleParsed.error,
            destinationId: mapping.destinationId,
            batching:
              canBatch && typeof batchSize === 'number'
                ? { enabled: batching.enabled, size: batchSize }
                : null,
          }}
        />
        <div class="actions">
          <button type="submit" disabled={busy}>
            {isDraft ? 'Save new mapping' : 'Save mapping'}
          </button>
          {saveError !== null ? (
            <span class="error" role="status">
              Not saved:{' '}
              {errorField !== null
                ? `see the field "${errorField}".`
                : triggerError !== null
                  ? 'see the trigger.'
                  : nameError !== null
                    ? 'see the name.'
                    : batchRefused
                      ? 'see the batch size.'
                      : 'see below.'}
            </span>
          ) : null}
          {saved !== null ? (
            <span class="success" role="status">
              Mapping saved.
            </span>
          ) : null}
        </div>
        <ErrorMessage error={generalError} />
        {saved?.map((w) => (
          <p class="warning" key={w}>
            {w}
          </p>
        ))}
      </form>
    </section>
  )
}
