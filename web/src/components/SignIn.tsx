// Sign-in: the admin token `serve` was started with (or printed at start), checked against the API.
import { useState } from 'preact/hooks'
import { api, ApiError } from '../api'
import { signIn } from '../session'
import { ErrorMessage } from './ErrorMessage'

export function SignIn() {
  const [token, setToken] = useState('')
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await api('GET', '/destinations', undefined, token.trim())
      signIn(token.trim())
    } catch (failure) {
      const e = failure as ApiError
      setError(
        e.status === 401
          ? new ApiError(
              401,
              'unauthorized',
              'That admin token is not right. Use the token `serve` was started with.',
            )
          : e,
      )
    } finally {
      setBusy(false)
    }
  }

  return (
    <main class="signin">
      <h1>iterable-actions</h1>
      <form onSubmit={submit} aria-describedby="signin-help">
        <p id="signin-help">
          Sign in with the admin token: <code>serve --admin-token</code>, <code>ADMIN_TOKEN</code>, or the
          token printed when the service started.
        </p>
        <label for="admin-token">Admin token</label>
        <input
          id="admin-token"
          type="password"
          autoComplete="current-password"
          required
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-invalid={error !== null}
          aria-errormessage={error !== null ? 'signin-error' : undefined}
        />
        <ErrorMessage error={error} id="signin-error" />
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  )
}
