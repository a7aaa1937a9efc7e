// The sample event the path pickers offer paths from and the preview maps (editable JSON; parse
// errors shown here), with where it comes from and a way to fetch a matching stored event again.
interface Props {
  text: string
  onChange: (text: string) => void
  error: string | null
  /** Where the sample comes from ("The newest stored event this trigger matches …"). */
  origin?: string | null
  /** Loads the newest stored event the current trigger matches. */
  onReload?: () => void
}

export function SampleEvent({ text, onChange, error, origin = null, onReload }: Props) {
  return (
    <details class="card">
      <summary>
        Sample event for the path pickers and the preview
        {/* In the summary: where the sample comes from shows while it is folded. */}
        {origin !== null ? (
          <span class="hint sample-origin" data-testid="sample-origin">
            {origin}
          </span>
        ) : null}
      </summary>
      {onReload !== undefined ? (
        <button type="button" class="secondary" onClick={onReload}>
          Use the newest matching event
        </button>
      ) : null}
      <label for="sample-event">Sample event (JSON)</label>
      <textarea
        id="sample-event"
        class="code"
        rows={14}
        spellcheck={false}
        value={text}
        onInput={(e) => onChange(e.currentTarget.value)}
        aria-invalid={error !== null}
      />
      {error !== null ? (
        <p class="error" role="alert">
          The sample event is not valid JSON: {error}
        </p>
      ) : null}
    </details>
  )
}
