// Batching of a mapping whose action has a bulk endpoint: on or off, and the largest batch (1 to the
// action's limit, Iterable's maximum). Stored as the mapping's `batching`.
import { ErrorMessage } from './ErrorMessage'

export interface BatchingDraft {
  enabled: boolean
  /** As typed: checked against the limit before saving. */
  size: string
}

interface Props {
  draft: BatchingDraft
  maxSize: number
  onChange: (draft: BatchingDraft) => void
  error: string | null
}

/** Saving refused: the batch size is out of range (shown next to the box). */
export class BatchSizeError extends Error {
  override name = 'BatchSizeError'
}

/** The size as a whole number within 1…maxSize, or an error in words. */
export function batchSizeOf(draft: BatchingDraft, maxSize: number): number | string {
  const size = Number(draft.size)
  if (draft.size.trim() === '' || !Number.isInteger(size) || size < 1 || size > maxSize) {
    return `Batch size must be a whole number from 1 to ${maxSize} (Iterable's limit for this action).`
  }
  return size
}

export function BatchingEditor({ draft, maxSize, onChange, error }: Props) {
  return (
    <div class="card">
      <h2>Batching</h2>
      <label>
        <input
          type="checkbox"
          checked={draft.enabled}
          onChange={(e) => onChange({ ...draft, enabled: e.currentTarget.checked })}
        />{' '}
        Send in bulk requests
      </label>
      <p class="hint">
        On: events of this mapping go out together in Iterable&apos;s bulk request, up to the batch size each.
        Off: one request per event.
      </p>
      <label for="batch-size">Batch size (1–{maxSize})</label>
      <input
        id="batch-size"
        type="number"
        min={1}
        max={maxSize}
        step={1}
        disabled={!draft.enabled}
        value={draft.size}
        onInput={(e) => onChange({ ...draft, size: e.currentTarget.value })}
        aria-invalid={error !== null}
        aria-describedby={error !== null ? 'batch-size-error' : undefined}
      />
      <ErrorMessage error={error} id="batch-size-error" />
    </div>
  )
}
