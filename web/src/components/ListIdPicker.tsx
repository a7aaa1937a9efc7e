// The list of a Sync To Iterable Lists mapping: the destination's Iterable lists (GET /api/lists through
// the subscription-groups route), by name and id. Choosing one stores its id as the field's literal; the
// default (the event's external audience id) stays a path until a list is chosen.
import { useEffect, useState } from 'preact/hooks'
import { get, query, type ApiError } from '../api'
import type { FieldDraft } from '../field-draft'
import type { FieldDefinition } from '../types'
import { ErrorMessage } from './ErrorMessage'

interface Props {
  definition: FieldDefinition
  destinationId: string
  draft: FieldDraft
  onChange: (draft: FieldDraft) => void
}

type Choice = { label: string; value: string }

export function ListIdPicker({ definition, destinationId, draft, onChange }: Props) {
  const [choices, setChoices] = useState<Choice[]>([])
  const [error, setError] = useState<ApiError | null>(null)
  useEffect(() => {
    setError(null)
    const path = `/destinations/${encodeURIComponent(destinationId)}/subscription-groups`
    get<{ items: Choice[] }>(path + query({ type: 'emailList' }))
      .then((answer) => setChoices(answer.items))
      .catch((failure: unknown) => setError(failure as ApiError))
  }, [destinationId])
  const chosen = draft.mode === 'literal' ? draft.text : ''
  return (
    <div class="inline" data-editor="list-id">
      <select
        aria-label={`${definition.label}: Iterable list`}
        value={choices.some((c) => c.value === chosen) ? chosen : ''}
        onChange={(e) => {
          const id = e.currentTarget.value
          if (id !== '') onChange({ mode: 'literal', text: id })
        }}
      >
        <option value="">Choose one of the destination's lists…</option>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label} — {c.value}
          </option>
        ))}
      </select>
      <ErrorMessage error={error} />
    </div>
  )
}
