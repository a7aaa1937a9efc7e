// Sign-in: the admin token (printed at the service's first start or by `admin-token rotate`, or
// given), checked against the API.
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
              'That admin token is not right. Use the one `serve` printed at its first start, the newest from `admin-token rotate`, or `ADMIN_TOKEN`.',
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
          Sign in with the admin token: the one printed at the service's first start (or by{' '}
          <code>admin-token rotate</code>), or <code>serve --admin-token</code> / <code>ADMIN_TOKEN</code>.
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
