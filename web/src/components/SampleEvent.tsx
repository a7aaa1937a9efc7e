// The sample event the path pickers offer paths from (editable JSON; parse errors shown here).
interface Props {
  text: string
  onChange: (text: string) => void
  error: string | null
}

export function SampleEvent({ text, onChange, error }: Props) {
  return (
    <details class="card">
      <summary>Sample event for the path pickers</summary>
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
