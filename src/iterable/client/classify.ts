import { POLICY_BY_KIND } from './outcome.js'
import type { IterableOutcome, OutcomeKind } from './outcome.js'
import { parseRetryAfter } from './retry-after.js'
import { statusErrorCode } from './status-names.js'

/** Response headers as undici returns them (lower-case names). */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>

/** Iterable's error envelope `{ msg, code, params }`, read defensively. */
export interface IterableEnvelope {
  readonly code?: string
  readonly msg?: string
  readonly params?: unknown
}

const MAX_TEXT_IN_MESSAGE = 200

/** Reads `code`/`msg`/`params` from a parsed body; `{}` for anything that is not an object. */
export function readEnvelope(body: unknown): IterableEnvelope {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {}
  const record = body as Record<string, unknown>
  const code = typeof record.code === 'string' ? record.code : undefined
  // The catalog API answers `{ error, message, code }` instead of `msg`.
  const msg =
    typeof record.msg === 'string'
      ? record.msg
      : typeof record.message === 'string'
        ? record.message
        : undefined
  return { code, msg, params: record.params }
}

/** 408, 423, 429 and every 5xx except 501 are worth retrying; nothing else is. */
export function isRetryableStatus(status: number): boolean {
  if (status >= 500 && status <= 599) return status !== 501
  return status === 408 || status === 423 || status === 429
}

/**
 * Classifies an HTTP answer from Iterable. Decided by the HTTP status (and, for the code, by
 * Iterable's `code`), never by message text. A 2xx is success whatever the body says; a non-2xx is
 * never success, even when Iterable's body says `code: "Success"`.
 *
 * @param now epoch milliseconds, used to turn an HTTP-date `Retry-After` into a delay.
 */
export function classifyResponse(
  status: number,
  body: unknown,
  headers: ResponseHeaders,
  now: number,
): IterableOutcome {
  const envelope = readEnvelope(body)
  const iterableCode = envelope.code
  const iterableMsg = envelope.msg

  if (status >= 200 && status <= 299) {
    const success: { -readonly [K in keyof IterableOutcome]: IterableOutcome[K] } = {
      kind: 'success',
      policy: 'deliver',
      code: iterableCode ?? `HTTP_${status}`,
      status,
      message: `Iterable accepted the request (${status})`,
    }
    if (iterableCode !== undefined) success.iterableCode = iterableCode
    if (iterableMsg !== undefined) success.iterableMsg = iterableMsg
    return success
  }

  const kind: OutcomeKind = status === 401 ? 'auth' : isRetryableStatus(status) ? 'retryable' : 'permanent'
  const errorCode = statusErrorCode(status)
  // `code: "Success"` on an error status is one of Iterable's quirks; it is no useful error code.
  const code = iterableCode !== undefined && iterableCode !== 'Success' ? iterableCode : `HTTP_${status}`
  const retryAfterMs = kind === 'retryable' ? parseRetryAfter(headers['retry-after'], now) : undefined

  let message = `Iterable answered ${status} ${errorCode}`
  if (iterableCode !== undefined) message += ` (${iterableCode})`
  if (iterableMsg !== undefined && iterableMsg !== '') message += `: ${iterableMsg}`
  else if (typeof body === 'string' && body.trim() !== '') message += `: ${excerpt(body)}`

  const outcome: {
    -readonly [K in keyof IterableOutcome]: IterableOutcome[K]
  } = { kind, policy: POLICY_BY_KIND[kind], code, errorCode, status, message }
  if (iterableCode !== undefined) outcome.iterableCode = iterableCode
  if (iterableMsg !== undefined) outcome.iterableMsg = iterableMsg
  if (retryAfterMs !== undefined) outcome.retryAfterMs = retryAfterMs
  return outcome
}

/** Why no HTTP answer was received. */
export type TransportFailureReason = 'timeout' | 'network' | 'aborted' | 'closed'

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
])
const CLOSED_CODES = new Set(['UND_ERR_DESTROYED', 'UND_ERR_CLOSED'])

/** Reads the transport reason from an error's `code` (never from its message). */
export function transportFailureReason(error: unknown, timedOut: boolean): TransportFailureReason {
  if (timedOut) return 'timeout'
  const code = errorCodeOf(error)
  if (code !== undefined && TIMEOUT_CODES.has(code)) return 'timeout'
  if (code !== undefined && CLOSED_CODES.has(code)) return 'closed'
  if (code === 'UND_ERR_ABORTED' || (error instanceof Error && error.name === 'AbortError')) return 'aborted'
  return 'network'
}

/**
 * Classifies a request that got no HTTP answer: network errors, timeouts, a caller's abort and a
 * closed client are all retryable (the request may or may not have reached Iterable; callers send
 * idempotent ids where it matters).
 *
 * @param timedOut true when the client's own deadline fired (the error is then only the symptom).
 */
export function classifyTransportError(
  error: unknown,
  timedOut = false,
  timeoutMs?: number,
): IterableOutcome {
  const reason = transportFailureReason(error, timedOut)
  const transportCode = errorCodeOf(error)
  const detail = error instanceof Error ? error.message : String(error)
  const base = { kind: 'retryable', policy: 'retry', status: 0 } as const
  const withCode = transportCode !== undefined ? { transportCode } : {}
  switch (reason) {
    case 'timeout':
      return {
        ...base,
        ...withCode,
        code: 'TIMEOUT',
        errorCode: 'ETIMEDOUT',
        message:
          timeoutMs !== undefined
            ? `Request to Iterable timed out after ${timeoutMs}ms`
            : `Request to Iterable timed out (${detail})`,
      }
    case 'closed':
      return {
        ...base,
        ...withCode,
        code: 'CLIENT_CLOSED',
        errorCode: 'NETWORK_ERROR',
        message: 'Iterable client is closed',
      }
    case 'aborted':
      return {
        ...base,
        ...withCode,
        code: 'ABORTED',
        errorCode: 'NETWORK_ERROR',
        message: 'Request to Iterable was aborted',
      }
    case 'network':
      return {
        ...base,
        ...withCode,
        code: 'NETWORK_ERROR',
        errorCode: 'NETWORK_ERROR',
        message: `Network error talking to Iterable: ${detail}${transportCode !== undefined ? ` (${transportCode})` : ''}`,
      }
  }
}

function errorCodeOf(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') return code
  // undici wraps socket errors; the system code (ECONNREFUSED, …) is on the cause.
  const cause = (error as { cause?: unknown }).cause
  if (cause !== null && typeof cause === 'object') {
    const causeCode = (cause as { code?: unknown }).code
    if (typeof causeCode === 'string') return causeCode
  }
  return undefined
}

function excerpt(text: string): string {
  const flat = text.trim().replace(/\s+/g, ' ')
  return flat.length > MAX_TEXT_IN_MESSAGE ? `${flat.slice(0, MAX_TEXT_IN_MESSAGE)}…` : flat
}
