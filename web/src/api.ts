// The admin API client: Bearer token, JSON in and out, and one error type carrying the API's code,
// the part of the request at fault (`path`) and words people understand.
import { getToken, signOut } from './session'

export const ADMIN = '/api/admin'

/** An admin API failure; `path` (e.g. `body.fields.email`) says where to show it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** The admin API's one error shape: `{ error: { code, message, path?, details? } }`. */
interface ErrorShape {
  error?: { code?: string; message?: string; path?: string; details?: Record<string, unknown> }
}

function toApiError(status: number, body: unknown): ApiError {
  const e = (body as ErrorShape | null)?.error
  if (typeof e !== 'object' || e === null) {
    return new ApiError(status, 'error', `The service answered with an error (HTTP ${status}).`)
  }
  return new ApiError(
    status,
    e.code ?? 'error',
    e.message ?? `The service answered with an error (HTTP ${status}).`,
    e.path,
    e.details,
  )
}

/** Calls `/api/admin<path>`; a 401 signs out (the token is wrong or was changed). */
export async function api<T>(method: string, path: string, body?: unknown, token = getToken()): Promise<T> {
  const headers: Record<string, string> = {}
  if (token !== null) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  let response: Response
  try {
    response = await fetch(ADMIN + path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
  } catch {
    throw new ApiError(0, 'network', 'The service cannot be reached. Is `iterable-actions serve` running?')
  }
  const text = await response.text()
  let parsed: unknown = null
  if (text !== '') {
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = text
    }
  }
  if (!response.ok) {
    const error = toApiError(response.status, parsed)
    if (response.status === 401 && token !== null && token === getToken()) signOut()
    throw error
  }
  return parsed as T
}

export const get = <T>(path: string): Promise<T> => api<T>('GET', path)
export const post = <T>(path: string, body?: unknown): Promise<T> => api<T>('POST', path, body ?? {})
export const patch = <T>(path: string, body: unknown): Promise<T> => api<T>('PATCH', path, body)
export const del = <T>(path: string): Promise<T> => api<T>('DELETE', path)

/** Query string from defined, non-empty values. */
export function query(values: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== '') params.set(key, String(value))
  }
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}
