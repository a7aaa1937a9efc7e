// The rows of an Update Subscriptions mapping: per row a group type, a group chosen from the
// destination's Iterable groups (name and id, as Segment's dynamic field), and subscribe/unsubscribe.
// It writes the list into the field as JSON, so the field's own editor shows what is stored.
import { useEffect, useState } from 'preact/hooks'
import { get, query, type ApiError } from '../api'
import type { FieldDraft } from '../field-draft'
import type { FieldDefinition } from '../types'
import { ErrorMessage } from './ErrorMessage'

interface Row {
  subscription_group_type: string
  subscription_group_id: string
  action: string
}

interface Props {
  definition: FieldDefinition
  destinationId: string
  draft: FieldDraft
  onChange: (draft: FieldDraft) => void
}

type Choice = { label: string; value: string }

/** The rows of the draft when it holds a list of objects; null for anything else (a path, a directive). */
function rowsOf(draft: FieldDraft): Row[] | null {
  if (draft.text.trim() === '') return []
  if (draft.mode !== 'directive') return null
  try {
    const value = JSON.parse(draft.text) as unknown
    if (!Array.isArray(value) || !value.every((r) => typeof r === 'object' && r !== null)) return null
    return value as Row[]
  } catch {
    return null
  }
}

function choicesOf(definition: FieldDefinition, key: string): Choice[] {
  const property = definition.properties?.find((p) => p.key === key)
  return (property?.choices ?? []).map((c) => ({ label: c.label, value: String(c.value) }))
}

function GroupSelect(props: {
  destinationId: string
  row: Row
  label: string
  onPick: (id: string) => void
}) {
  const { destinationId, row } = props
  const [choices, setChoices] = useState<Choice[]>([])
  const [error, setError] = useState<ApiError | null>(null)
  useEffect(() => {
    setError(null)
    setChoices([])
    if (row.subscription_group_type === '') return
    const path = `/destinations/${encodeURIComponent(destinationId)}/subscription-groups`
    get<{ items: Choice[] }>(path + query({ type: row.subscription_group_type }))
      .then((answer) => setChoices(answer.items))
      .catch((failure: unknown) => setError(failure as ApiError))
  }, [destinationId, row.subscription_group_type])
  const known = choices.some((c) => c.value === row.subscription_group_id)
  return (
    <span>
      <select
        aria-label={props.label}
        value={row.subscription_group_id}
        onChange={(e) => props.onPick(e.currentTarget.value)}
      >
        <option value="">
          {row.subscription_group_type === '' ? 'Select a group type first' : 'Choose a group…'}
        </option>
        {!known && row.subscription_group_id !== '' ? (
          <option value={row.subscription_group_id}>{row.subscription_group_id}</option>
        ) : null}
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label} — {c.value}
          </option>
        ))}
      </select>
      <ErrorMessage error={error} />
    </span>
  )
}

export function SubscriptionsEditor({ definition, destinationId, draft, onChange }: Props) {
  const rows = rowsOf(draft)
  if (rows === null)
    return <p class="hint">The subscriptions are mapped from the event: edit them as a path or directive.</p>
  const write = (next: Row[]): void =>
    onChange({ mode: 'directive', text: next.length === 0 ? '' : JSON.stringify(next, null, 2) })
  const update = (index: number, change: Partial<Row>): void =>
    write(rows.map((row, i) => (i === index ? { ...row, ...change } : row)))
  const types = choicesOf(definition, 'subscription_group_type')
  const actions = choicesOf(definition, 'action')
  return (
    <fieldset class="subscriptions" data-editor="subscriptions">
      <legend>Subscription rows (at most 6)</legend>
      {rows.map((row, index) => (
        <div class="inline" key={index} data-row={index}>
          <select
            aria-label={`Group type of row ${index + 1}`}
            value={row.subscription_group_type}
            onChange={(e) =>
              update(index, { subscription_group_type: e.currentTarget.value, subscription_group_id: '' })
            }
          >
            <option value="">Group type…</option>
            {types.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
          <GroupSelect
            destinationId={destinationId}
            row={row}
            label={`Group of row ${index + 1}`}
            onPick={(id) => update(index, { subscription_group_id: id })}
          />
          <select
            aria-label={`Action of row ${index + 1}`}
            value={row.action}
            onChange={(e) => update(index, { action: e.currentTarget.value })}
          >
            {actions.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => write(rows.filter((_, i) => i !== index))}>
            Remove row {index + 1}
          </button>
        </div>
      ))}
      {rows.length < 6 ? (
        <button
          type="button"
          onClick={() =>
            write([...rows, { subscription_group_type: '', subscription_group_id: '', action: 'subscribe' }])
          }
        >
          Add subscription row
        </button>
      ) : null}
    </fieldset>
  )
}
