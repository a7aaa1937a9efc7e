// Reads GET /api/admin/live-events: server-sent events over fetch, so the admin token travels in
// a header (EventSource cannot send one, and a token in the URL would end up in logs).
import { ADMIN, ApiError } from './api'
import { getToken, signOut } from './session'

export interface LiveFrame {
  name: string
  data: unknown
}

/**
 * Calls `onFrame` per frame until `signal` aborts or the stream ends; rejects with an ApiError (an
 * `error` frame: the service could not read its log).
 */
export async function readLiveEvents(
  search: string,
  onFrame: (frame: LiveFrame) => void,
  signal: AbortSignal,
): Promise<void> {
  const token = getToken()
  let response: Response
  try {
    response = await fetch(`${ADMIN}/live-events${search}`, {
      headers: token !== null ? { authorization: `Bearer ${token}` } : {},
      signal,
    })
  } catch (failure) {
    if (signal.aborted) return
    throw new ApiError(0, 'network', `The service cannot be reached (${(failure as Error).message}).`)
  }
  if (!response.ok || response.body === null) {
    const body = (await response.json().catch(() => null)) as {
      error?: { code?: string; message?: string }
    } | null
    if (response.status === 401) signOut()
    throw new ApiError(
      response.status,
      body?.error?.code ?? 'error',
      body?.error?.message ?? `The live stream failed (HTTP ${response.status}).`,
    )
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buffer += value
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = parseFrame(buffer.slice(0, end))
        buffer = buffer.slice(end + 2)
        if (frame?.name === 'error') {
          const { code, message } = frame.data as { code: string; message: string }
          throw new ApiError(503, code, message)
        }
        if (frame !== null) onFrame(frame)
      }
    }
  } catch (failure) {
    if (signal.aborted) return
    if (failure instanceof ApiError) throw failure
    throw new ApiError(0, 'network', `The live stream stopped (${(failure as Error).message}).`)
  }
}

/** `event: NAME` and `data: JSON` lines; comments (keep-alives) give null. */
function parseFrame(block: string): LiveFrame | null {
  let name = 'message'
  let data: string | null = null
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) name = line.slice(7)
    else if (line.startsWith('data: ')) data = (data === null ? '' : `${data}\n`) + line.slice(6)
  }
  return data === null ? null : { name, data: JSON.parse(data) as unknown }
}
