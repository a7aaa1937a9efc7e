// Posts one `/v1/batch` body to the ingest API and classifies the answer: accepted (with the
// per-event rejections and duplicates the service reports), a transient failure retried with
// exponential backoff (network errors, 5xx, 429; Retry-After honoured), or a permanent failure.
import { Agent, request } from 'undici'

export interface SendClientOptions {
  /** Service base URL, e.g. http://127.0.0.1:8080 */
  url: string
  writeKey: string
  /** Parallel connections. */
  connections: number
  /** Attempts after the first one for transient failures. */
  retries: number
  /** First backoff delay in ms (doubles each retry, with jitter). */
  backoffMs: number
  /** Longest backoff delay in ms. */
  maxBackoffMs: number
  /** Per-request timeout in ms. */
  timeoutMs: number
}

export const DEFAULT_CLIENT_OPTIONS = {
  retries: 6,
  backoffMs: 500,
  maxBackoffMs: 30_000,
  timeoutMs: 30_000,
} as const

/** A per-event rejection as the ingest API reports it. */
export interface IngestRejection {
  index: number
  messageId: string | null
  error: string
}

export type PostOutcome =
  | {
      kind: 'accepted'
      /** The rejections the service listed (it lists the first 100). */
      rejected: IngestRejection[]
      /** How many events the service rejected in all. */
      rejectedCount: number
      /** Duplicates the service reported (count), or undefined when it reports none. */
      duplicates: number | undefined
      attempts: number
      latencyMs: number
    }
  | {
      kind: 'failed'
      /** HTTP status of the last attempt, or undefined for a network error. */
      status: number | undefined
      code: string | undefined
      message: string
      /** True when every later request would fail the same way (bad write key, wrong URL). */
      fatal: boolean
      attempts: number
    }

type AcceptedAnswer = Omit<Extract<PostOutcome, { kind: 'accepted' }>, 'attempts' | 'latencyMs'>

/** Why a request failed; a class so callers never have to read message text. */
class TransientFailure extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message)
  }
}

interface ErrorBody {
  code?: unknown
  error?: unknown
  rejected?: unknown
  rejectedCount?: unknown
  duplicates?: unknown
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (text === undefined) return undefined
  const seconds = Number(text)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

function rejectionsOf(body: ErrorBody): IngestRejection[] {
  if (!Array.isArray(body.rejected)) return []
  const out: IngestRejection[] = []
  for (const item of body.rejected as unknown[]) {
    if (item === null || typeof item !== 'object') continue
    const r = item as Record<string, unknown>
    if (typeof r.index !== 'number') continue
    out.push({
      index: r.index,
      messageId: typeof r.messageId === 'string' ? r.messageId : null,
      error: typeof r.error === 'string' ? r.error : 'rejected',
    })
  }
  return out
}

/** The service's count of rejections; a service that gives none listed them all. */
function rejectedCountOf(body: ErrorBody, listed: number): number {
  const count = body.rejectedCount
  return typeof count === 'number' && Number.isInteger(count) && count >= listed ? count : listed
}

function accepted(body: ErrorBody, duplicates: number | undefined): AcceptedAnswer {
  const rejected = rejectionsOf(body)
  return { kind: 'accepted', rejected, rejectedCount: rejectedCountOf(body, rejected.length), duplicates }
}

function duplicatesOf(body: ErrorBody): number | undefined {
  if (typeof body.duplicates === 'number') return body.duplicates
  if (Array.isArray(body.duplicates)) return body.duplicates.length
  return undefined
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export class SendClient {
  private readonly agent: Agent
  private readonly endpoint: string
  private readonly authorization: string

  constructor(private readonly options: SendClientOptions) {
    this.agent = new Agent({ connections: options.connections, pipelining: 1 })
    this.endpoint = new URL('/v1/batch', options.url).toString()
    this.authorization = `Basic ${Buffer.from(`${options.writeKey}:`).toString('base64')}`
  }

  /** Posts one body, retrying transient failures; never throws. */
  async post(body: string, onRetry?: (failure: string) => void): Promise<PostOutcome> {
    let attempt = 0
    for (;;) {
      attempt++
      const started = performance.now()
      try {
        const answer = await this.once(body)
        if (answer.kind === 'accepted')
          return { ...answer, attempts: attempt, latencyMs: performance.now() - started }
        return { ...answer, attempts: attempt }
      } catch (error) {
        const failure =
          error instanceof TransientFailure
            ? error
            : new TransientFailure(
                `network error: ${(error as Error).message}`,
                undefined,
                undefined,
                undefined,
              )
        if (attempt > this.options.retries) {
          return {
            kind: 'failed',
            status: failure.status,
            code: failure.code,
            message: `${failure.message} (gave up after ${attempt} attempts)`,
            fatal: false,
            attempts: attempt,
          }
        }
        onRetry?.(failure.message)
        const exponential = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (attempt - 1))
        // Full jitter on half the delay keeps concurrent senders from retrying in lockstep.
        const delay = exponential / 2 + Math.random() * (exponential / 2)
        await sleep(Math.min(this.options.maxBackoffMs, Math.max(delay, failure.retryAfterMs ?? 0)))
      }
    }
  }

  private async once(
    body: string,
  ): Promise<
    | AcceptedAnswer
    | { kind: 'failed'; status: number; code: string | undefined; message: string; fatal: boolean }
  > {
    const response = await request(this.endpoint, {
      method: 'POST',
      dispatcher: this.agent,
      headers: { 'content-type': 'application/json', authorization: this.authorization },
      body,
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
    })
    const status = response.statusCode
    const text = await response.body.text()
    let parsed: ErrorBody = {}
    try {
      const value: unknown = JSON.parse(text)
      if (value !== null && typeof value === 'object') parsed = value
    } catch {
      // Not JSON (a proxy's error page): the status decides.
    }
    const code = typeof parsed.code === 'string' ? parsed.code : undefined
    const message = typeof parsed.error === 'string' ? parsed.error : text.slice(0, 200) || `HTTP ${status}`
    if (status >= 200 && status < 300) {
      return accepted(parsed, duplicatesOf(parsed))
    }
    if (status === 429 || status >= 500) {
      throw new TransientFailure(
        `HTTP ${status}: ${message}`,
        status,
        code,
        parseRetryAfter(response.headers['retry-after']),
      )
    }
    // A batch whose every event is invalid: answered, with per-event reasons.
    if (code === 'all_events_rejected') {
      return accepted(parsed, undefined)
    }
    // Wrong key or wrong URL: every later request would fail the same way.
    const fatal = status === 401 || status === 403 || status === 404 || status === 405
    return { kind: 'failed', status, code, message: `HTTP ${status}: ${message}`, fatal }
  }

  async close(): Promise<void> {
    await this.agent.close()
  }
}
