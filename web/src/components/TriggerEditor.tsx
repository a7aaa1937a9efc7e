// The trigger text with live validation through the API: as you type (after a short pause) it says
// whether the trigger is valid, shows its canonical form and warnings, or where the problem is.
import { useEffect, useState } from 'preact/hooks'
import { post, type ApiError } from '../api'
import type { TriggerValidation } from '../types'
import { ErrorMessage } from './ErrorMessage'

interface Props {
  value: string
  onChange: (value: string) => void
  /** An error from saving, shown here when it is about the trigger. */
  saveError: ApiError | null
}

/** The line of the trigger holding the error, and a caret under the column. */
function pointer(text: string, line: number, column: number): { source: string; caret: string } {
  const source = text.split('\n')[line - 1] ?? ''
  return { source, caret: `${' '.repeat(Math.max(0, column - 1))}^` }
}

export function TriggerEditor({ value, onChange, saveError }: Props) {
  const [result, setResult] = useState<TriggerValidation | null>(null)
  const [requestError, setRequestError] = useState<ApiError | null>(null)

  useEffect(() => {
    let live = true
    const timer = setTimeout(() => {
      post<TriggerValidation>('/triggers/validate', { trigger: value }).then(
        (answer) => {
          if (!live) return
          setResult(answer)
          setRequestError(null)
        },
        (failure: ApiError) => {
          if (live) setRequestError(failure)
        },
      )
    }, 250)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [value])

  const error = result !== null && !result.ok ? result.error : undefined
  // The parser's message may end with a hint after "expected …" (e.g. how to write a comparison).
  const hint =
    error?.expected !== undefined
      ? (error.message.split(`expected ${error.expected}`)[1] ?? '').replace(/^\.\s*/, '')
      : ''
  const where =
    error?.line !== undefined && error.column !== undefined ? pointer(value, error.line, error.column) : null
  return (
    <div class="trigger">
      <label for="trigger">Trigger</label>
      <p class="hint" id="trigger-help">
        Which events this mapping handles, e.g. <code>type = "track" and event = "Order Completed"</code>.
      </p>
      <textarea
        id="trigger"
        class="code"
        rows={3}
        value={value}
        spellcheck={false}
        onInput={(e) => onChange(e.currentTarget.value)}
        aria-invalid={error !== undefined}
        aria-describedby="trigger-help trigger-status"
      />
      <div id="trigger-status" aria-live="polite">
        {error !== undefined ? (
          <div class="error" role="alert" data-testid="trigger-error">
            <p>
              {error.line !== undefined && error.column !== undefined
                ? `The trigger has a problem at line ${error.line}, column ${error.column}: expected ${error.expected ?? 'something else'}, but found ${error.found ?? 'something else'}.${hint !== '' ? ` ${hint}` : ''}`
                : error.message}
            </p>
            {where !== null ? (
              <pre class="caret" aria-hidden="true">
                {where.source}
                {'\n'}
                {where.caret}
              </pre>
            ) : null}
          </div>
        ) : result?.ok ? (
          <p class="success" data-testid="trigger-ok">
            Valid trigger: <code>{result.canonical}</code>
          </p>
        ) : null}
        {(result?.ok === true ? result.warnings : []).map((w) => (
          <p class="warning" key={w}>
            {w}
          </p>
        ))}
        <ErrorMessage error={requestError} />
        {/* The save error repeats the live one; show it only when live validation has nothing to say. */}
        {error === undefined ? <ErrorMessage error={saveError} /> : null}
      </div>
    </div>
  )
}
