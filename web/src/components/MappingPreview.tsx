// The Iterable request(s) the mapping being edited would make for the sample event, refreshed a
// moment after each edit through POST /test-mapping (the same routing delivery uses; nothing is sent).
import { useEffect, useState } from 'preact/hooks'
import { post, type ApiError } from '../api'
import type { TestResult } from '../types'
import { ErrorMessage } from './ErrorMessage'
import { TestResultView } from './TestResultView'

/** Edits within this pause make one preview request. */
const DEBOUNCE_MS = 500

export interface PreviewInput {
  /** The draft as the API takes it, or why it cannot be built (a field's JSON, the batch size …). */
  mapping: Record<string, unknown> | Error
  event: unknown
  /** null: the sample event is not valid JSON (said next to it). */
  eventError: string | null
  destinationId: string
  batching: { enabled: boolean; size: number } | null
}

export function MappingPreview({ input }: { input: PreviewInput }) {
  const [result, setResult] = useState<TestResult | null>(null)
  const [error, setError] = useState<ApiError | Error | string | null>(null)
  const [pending, setPending] = useState(false)
  // The effect runs when the draft's JSON changes, not on every render.
  const key = JSON.stringify([
    input.mapping instanceof Error ? input.mapping.message : input.mapping,
    input.event,
    input.eventError,
    input.destinationId,
  ])

  useEffect(() => {
    if (input.eventError !== null) return setError('Fix the sample event to see the preview.')
    if (input.mapping instanceof Error) return setError(input.mapping)
    let live = true
    setPending(true)
    const timer = setTimeout(() => {
      post<{ results: TestResult[] }>('/test-mapping', {
        event: input.event,
        mapping: input.mapping,
        ...(input.destinationId !== '' ? { destinationId: input.destinationId } : {}),
      }).then(
        (answer) => {
          if (!live) return
          setResult(answer.results[0] ?? null)
          setError(null)
          setPending(false)
        },
        (failure: ApiError) => {
          if (!live) return
          setError(failure)
          setPending(false)
        },
      )
    }, DEBOUNCE_MS)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [key])

  return (
    <section class="card" aria-labelledby="preview-heading" data-testid="mapping-preview">
      <h2 id="preview-heading">Preview: what Iterable would receive</h2>
      <p class="hint">
        The sample event through this mapping as it is now (saved or not); nothing is sent.{' '}
        {pending ? <span role="status">Updating…</span> : null}
      </p>
      {input.batching?.enabled === true ? (
        <p class="hint">
          Batching is on: events like this one go out together in bulk requests of up to {input.batching.size}{' '}
          events, each event&apos;s body below one item of the bulk body.
        </p>
      ) : null}
      <ErrorMessage error={error} />
      {result !== null && error === null ? <TestResultView result={result} /> : null}
    </section>
  )
}
