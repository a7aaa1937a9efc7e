// An error where it happened: what went wrong in words, and the API's code for whoever digs deeper.
import type { ApiError } from '../api'

interface Props {
  error: ApiError | Error | string | null | undefined
  id?: string
}

export function ErrorMessage({ error, id }: Props) {
  if (error === null || error === undefined) return null
  const message = typeof error === 'string' ? error : error.message
  const code = typeof error === 'object' && 'code' in error ? error.code : undefined
  return (
    <p class="error" role="alert" id={id}>
      {message}
      {code !== undefined && code !== 'error' ? <span class="code"> ({code})</span> : null}
    </p>
  )
}
