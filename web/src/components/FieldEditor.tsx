// One mapping field: its label (required marked), the definition's description, and a value that is
// a path picked from the sample event, a literal, or a directive written as JSON.
import type { ApiError } from '../api'
import type { FieldDraft, FieldMode } from '../field-draft'
import type { FieldDefinition } from '../types'
import { ErrorMessage } from './ErrorMessage'

interface Props {
  definition: FieldDefinition
  draft: FieldDraft
  onChange: (draft: FieldDraft) => void
  error: ApiError | Error | null
  /** Paths of the sample event, for the picker. */
  paths: string[]
}

const MODES: Array<{ mode: FieldMode; label: string }> = [
  { mode: 'path', label: 'Path from event' },
  { mode: 'literal', label: 'Literal' },
  { mode: 'directive', label: 'Directive (JSON)' },
]

/** "/id has an invalid directive" → "Event ID has an invalid directive": the field by its label. */
function humanize(
  error: ApiError | Error | null,
  definition: FieldDefinition,
): ApiError | Error | string | null {
  if (error === null) return null
  const prefix = `/${definition.key}`
  if (!error.message.startsWith(prefix)) return error
  return `${definition.label}${error.message.slice(prefix.length)}`
}

export function FieldEditor({ definition, draft, onChange, error, paths }: Props) {
  const id = `field-${definition.key}`
  const errorId = `${id}-error`
  const input = {
    id,
    value: draft.text,
    'aria-invalid': error !== null,
    'aria-describedby': `${id}-help${error !== null ? ` ${errorId}` : ''}`,
  }
  const set = (text: string): void => onChange({ ...draft, text })
  const choices =
    definition.choices ??
    (definition.type === 'boolean'
      ? [
          { label: 'true', value: 'true' },
          { label: 'false', value: 'false' },
        ]
      : null)

  return (
    <div class="field" data-field={definition.key}>
      <div class="field-head">
        <label for={id}>
          {definition.label}
          {definition.required ? (
            <span class="required">
              {' '}
              * <span class="visually-hidden">required</span>
            </span>
          ) : null}
        </label>
        <code class="hint">{definition.key}</code>
      </div>
      <p class="hint" id={`${id}-help`}>
        {definition.description ?? ''}{' '}
        <em>
          Type: {definition.type}
          {definition.multiple ? ' (list)' : ''}.
        </em>
      </p>
      <fieldset class="mode">
        <legend class="visually-hidden">How {definition.label} gets its value</legend>
        {MODES.map((m) => (
          <label key={m.mode}>
            <input
              type="radio"
              name={`${id}-mode`}
              value={m.mode}
              checked={draft.mode === m.mode}
              onChange={() => onChange({ ...draft, mode: m.mode })}
            />{' '}
            {m.label}
          </label>
        ))}
      </fieldset>
      {draft.mode === 'path' ? (
        <div class="inline">
          <input
            {...input}
            type="text"
            class="code path-input"
            placeholder="$.properties.name"
            onInput={(e) => set(e.currentTarget.value)}
          />
          <select
            aria-label={`Pick a path for ${definition.label} from the sample event`}
            value=""
            onChange={(e) => {
              if (e.currentTarget.value !== '') set(e.currentTarget.value)
            }}
          >
            <option value="">Pick from sample event…</option>
            {paths.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
      ) : draft.mode === 'directive' ? (
        <textarea
          {...input}
          class="code"
          rows={Math.min(12, Math.max(3, draft.text.split('\n').length))}
          spellcheck={false}
          onInput={(e) => set(e.currentTarget.value)}
        />
      ) : choices !== null ? (
        <select {...input} onChange={(e) => set(e.currentTarget.value)}>
          <option value="">(not set)</option>
          {choices.map((c) => (
            <option key={String(c.value)} value={String(c.value)}>
              {c.label}
            </option>
          ))}
        </select>
      ) : (
        <input {...input} type="text" onInput={(e) => set(e.currentTarget.value)} />
      )}
      <ErrorMessage error={humanize(error, definition)} id={errorId} />
    </div>
  )
}
