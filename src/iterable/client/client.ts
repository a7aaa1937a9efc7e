import { inspect } from 'node:util'
import type { Dispatcher } from 'undici'
import { USER_AGENT } from '../../version.js'
import { classifyResponse, classifyTransportError } from './classify.js'
import type { ResponseHeaders } from './classify.js'
import { IterableConnections } from './connections.js'
import { explainGatedEndpoint } from './endpoint-gates.js'
import type { ConnectionOptions } from './connections.js'
import { IterableClientConfigError } from './errors.js'
import type { IterableOutcome } from './outcome.js'
import { regionBaseUrl } from './regions.js'

export interface IterableClientOptions {
  /** Iterable API key (secret). Sent as `Api-Key`; never appears in outcomes, errors or `toJSON`. */
  readonly apiKey: string
  /** Base URL, e.g. a sandbox `http://127.0.0.1:4000`. Takes precedence over `region`. */
  readonly baseUrl?: string
  /** `united_states` (default) or `europe`; any other value is rejected. */
  readonly region?: string
  /** Deadline for the answer's headers, and for any pause in its body (default 30 000 ms). */
  readonly timeoutMs?: number
  /** Default: this project's name and version (`USER_AGENT`). */
  readonly userAgent?: string
  /** Shared keep-alive pools; when omitted the client owns its own and `close()` destroys them. */
  readonly connections?: IterableConnections
  /** Options for the client's own pools (ignored when `connections` is given). */
  readonly connectionOptions?: ConnectionOptions
  /** Largest response body read (default 16 MiB); a larger one ends as `NETWORK_ERROR`. */
  readonly maxResponseBytes?: number
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface IterableRequest {
  readonly method: HttpMethod
  /** Path with query, starting with `/api/…`. */
  readonly path: string
  /** A value to send as JSON, or an already serialised JSON string/buffer (e.g. a size-checked bulk body). */
  readonly body?: unknown
  /** Optional caller abort (e.g. shutdown); the outcome is then `ABORTED`. */
  readonly signal?: AbortSignal
}

export interface IterableResponse {
  /** HTTP status; 0 when no answer was received. */
  readonly status: number
  /** Parsed JSON when the body is JSON, else the text ('' when empty); `undefined` without an answer. */
  readonly body: unknown
  readonly headers: ResponseHeaders
  readonly durationMs: number
  readonly outcome: IterableOutcome
}

const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024
const NO_HEADERS: ResponseHeaders = Object.freeze({})
const REDACTED = '[redacted]'

/**
 * HTTP client for Iterable's REST API on undici keep-alive pools. Knows nothing of mappings,
 * storage or servers: it sends one request and says, through `outcome`, what the caller should do.
 * `send` never throws for HTTP statuses, network failures or timeouts.
 */
export class IterableClient {
  readonly baseUrl: string
  readonly timeoutMs: number
  readonly userAgent: string
  readonly #apiKey: string
  readonly #origin: string
  readonly #pathPrefix: string
  readonly #connections: IterableConnections
  readonly #ownsConnections: boolean
  readonly #pool: Dispatcher
  readonly #headers: Record<string, string>
  readonly #maxResponseBytes: number
  #closed = false

  constructor(options: IterableClientOptions) {
    if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
      throw new IterableClientConfigError('MISSING_API_KEY', 'An Iterable API key is required')
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new IterableClientConfigError(
        'INVALID_OPTION',
        `timeoutMs must be a positive number, got ${timeoutMs}`,
      )
    }
    const base = options.baseUrl ?? regionBaseUrl(options.region ?? 'united_states')
    let url: URL
    try {
      url = new URL(base)
    } catch {
      throw new IterableClientConfigError('INVALID_BASE_URL', `Invalid Iterable base URL "${base}"`)
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new IterableClientConfigError(
        'INVALID_BASE_URL',
        `Iterable base URL must be http(s), got "${base}"`,
      )
    }
    this.#apiKey = options.apiKey
    this.#origin = url.origin
    this.#pathPrefix = url.pathname.replace(/\/+$/, '')
    this.baseUrl = this.#origin + this.#pathPrefix
    this.timeoutMs = timeoutMs
    this.userAgent = options.userAgent ?? USER_AGENT
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    this.#ownsConnections = options.connections === undefined
    this.#connections = options.connections ?? new IterableConnections(options.connectionOptions)
    this.#pool = this.#connections.pool(this.#origin)
    // Built once; undici only reads it.
    this.#headers = {
      'api-key': this.#apiKey,
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': this.userAgent,
    }
  }

  /** Full URL of an API path on this client's base URL (no credentials in it). */
  url(path: string): string {
    return this.baseUrl + normalisePath(path)
  }

  /** Sends one request; the answer (or the failure) is classified in `outcome`. */
  async send(request: IterableRequest): Promise<IterableResponse> {
    const started = performance.now()
    let payload: string | Uint8Array | undefined
    try {
      payload = serialiseBody(request.body)
    } catch (error) {
      return this.#failed(started, {
        kind: 'permanent',
        policy: 'drop',
        code: 'INVALID_REQUEST_BODY',
        errorCode: 'PAYLOAD_VALIDATION_FAILED',
        status: 0,
        message: `Request body cannot be serialised as JSON: ${error instanceof Error ? error.message : String(error)}`,
      })
    }
    if (this.#closed || this.#connections.closed) {
      return this.#failed(started, classifyTransportError({ code: 'UND_ERR_DESTROYED' }))
    }

    // The deadline is undici's own: the headers within timeoutMs, then no pause in the body longer
    // than that. Its timers are shared and cheap; an AbortController, a timer and a listener per
    // request cost more than a small request itself. The caller's signal, if any, goes straight in.
    try {
      const response = await this.#pool.request({
        origin: this.#origin,
        path: this.#pathPrefix + normalisePath(request.path),
        method: request.method,
        headers: this.#headers,
        body: payload,
        ...(request.signal !== undefined ? { signal: request.signal } : {}),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      })
      const text = await readText(response.body, this.#maxResponseBytes)
      // undici marks the socket idle only after the body's end reaches us; yielding once lets the pool
      // see it free, so a caller's next request reuses this socket instead of opening another one.
      await new Promise<void>((resolve) => setImmediate(resolve))
      const body = parseBody(text, response.headers['content-type'])
      const outcome = explainGatedEndpoint(
        request.path,
        classifyResponse(response.statusCode, body, response.headers, Date.now()),
      )
      return {
        status: response.statusCode,
        body,
        headers: response.headers,
        durationMs: performance.now() - started,
        outcome: outcome.kind === 'success' ? outcome : this.#redact(outcome),
      }
    } catch (error) {
      return this.#failed(started, classifyTransportError(error, false, this.timeoutMs))
    }
  }

  /** Destroys the client's pools (only those it owns); later sends end as `CLIENT_CLOSED`. */
  async close(): Promise<void> {
    this.#closed = true
    if (this.#ownsConnections) await this.#connections.close()
  }

  toJSON(): { baseUrl: string; timeoutMs: number; userAgent: string } {
    return { baseUrl: this.baseUrl, timeoutMs: this.timeoutMs, userAgent: this.userAgent }
  }

  toString(): string {
    return `IterableClient(${this.baseUrl})`
  }

  [inspect.custom](): string {
    return this.toString()
  }

  #failed(started: number, outcome: IterableOutcome): IterableResponse {
    return {
      status: 0,
      body: undefined,
      headers: NO_HEADERS,
      durationMs: performance.now() - started,
      outcome: this.#redact(outcome),
    }
  }

  /** Belt and braces: no text that leaves the client may carry the key, whatever echoed it. */
  #redact(outcome: IterableOutcome): IterableOutcome {
    const key = this.#apiKey
    if (!outcome.message.includes(key) && !(outcome.iterableMsg?.includes(key) ?? false)) return outcome
    return {
      ...outcome,
      message: outcome.message.split(key).join(REDACTED),
      ...(outcome.iterableMsg !== undefined
        ? { iterableMsg: outcome.iterableMsg.split(key).join(REDACTED) }
        : {}),
    }
  }
}

function normalisePath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`
}

function serialiseBody(body: unknown): string | Uint8Array | undefined {
  if (body === undefined) return undefined
  if (typeof body === 'string' || body instanceof Uint8Array) return body
  return JSON.stringify(body)
}

class ResponseTooLargeError extends Error {
  readonly code = 'RESPONSE_TOO_LARGE'
}

/** Reads the body stream once; one chunk (the usual case) is decoded without copying. */
async function readText(stream: AsyncIterable<Buffer>, limit: number): Promise<string> {
  let first: Buffer | undefined
  let chunks: Buffer[] | undefined
  let size = 0
  for await (const chunk of stream) {
    size += chunk.length
    if (size > limit) throw new ResponseTooLargeError(`Iterable response larger than ${limit} bytes`)
    if (first === undefined) first = chunk
    else (chunks ??= [first]).push(chunk)
  }
  if (first === undefined) return ''
  return chunks === undefined ? first.toString('utf8') : Buffer.concat(chunks, size).toString('utf8')
}

/** JSON when it parses as JSON (by content type or by its first character), otherwise the text. */
function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  if (text === '') return text
  const type = typeof contentType === 'string' ? contentType : contentType?.[0]
  const looksJson = (type !== undefined && type.includes('json')) || /^\s*[[{"]/.test(text)
  if (!looksJson) return text
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}
