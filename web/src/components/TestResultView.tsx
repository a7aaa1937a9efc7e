// One mapping's result in the test pane: matched or not, the payload, its validation, the requests
// and, when sent, Iterable's responses.
import type { TestResult } from '../types'
import { JsonBlock } from './JsonBlock'

export function TestResultView({ result }: { result: TestResult }) {
  return (
    <article class="card" data-testid="test-result">
      <h3>
        {result.mapping} <code class="hint">{result.action}</code>
      </h3>
      {result.triggerError !== null ? (
        <p class="error" role="alert">
          {result.triggerError.message}; it would not be sent.
        </p>
      ) : (
        <p class={result.matched ? 'success' : 'warning'}>
          {result.matched
            ? 'The trigger matches this event.'
            : 'The trigger does not match this event; it would not be sent.'}
        </p>
      )}
      {!result.validation.ok ? (
        <p class="error" role="alert">
          The mapped payload is not valid: {result.validation.message}
        </p>
      ) : null}
      <h4>Payload</h4>
      <JsonBlock value={result.payload} label="Payload" />
      <h4>Requests</h4>
      {result.requests.length === 0 ? <p>No request would be sent.</p> : null}
      {result.requests.map((request, i) => (
        <div key={i} data-testid="test-request">
          <p>
            <strong>{request.method}</strong> <code>{request.url}</code>
          </p>
          <JsonBlock value={request.body} label={`Request ${i + 1} body`} />
        </div>
      ))}
      {result.responses !== undefined ? (
        <>
          <h4>Responses from Iterable</h4>
          {result.responses.length === 0 ? <p>Nothing was sent.</p> : null}
          {result.responses.map((response, i) => (
            <div key={i} data-testid="test-response">
              <p class={response.ok ? 'success' : 'error'}>
                HTTP {response.status ?? 'no response'} from <code>{response.url}</code> ({response.outcome},{' '}
                {Math.round(response.durationMs)} ms)
              </p>
              <JsonBlock value={response.body} label={`Response ${i + 1} body`} />
            </div>
          ))}
        </>
      ) : null}
    </article>
  )
}
