// A small client of the service's admin API (`/api/admin/*`, Bearer admin token) for the CLI
// commands that manage a running service (apply, export). The token never appears in messages.
import { request } from 'undici'

/** Where the CLI finds the service and its token when no flag is given. */
export const URL_ENV = 'ITERABLE_ACTIONS_URL'
export const TOKEN_ENV = 'ADMIN_TOKEN'

/** A failed admin call: an HTTP error answer, or no answer at all (`status` undefined). */
export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    /** The answer's body when it was JSON (`{ error: { code, message, path?, details? } }`). */
    readonly body: unknown,
  ) {
    super(message)
    this.name = 'AdminApiError'
  }
}

/** A missing or malformed `--url`/`--admin-token`. */
export class AdminUsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AdminUsageError'
  }
}

export interface AdminTarget {
  url: string
  token: string
}

/** The flags, else the environment; a clear message names what is missing. */
export function resolveTarget(flags: { url?: string; adminToken?: string }, env = process.env): AdminTarget {
  const url = flags.url ?? env[URL_ENV]
  const token = flags.adminToken ?? env[TOKEN_ENV]
  if (url === undefined || url === '') throw new AdminUsageError(`--url is required (or set ${URL_ENV})`)
  try {
    new URL(url)
  } catch {
    throw new AdminUsageError(`--url is not a URL: "${url}"`)
  }
  if (token === undefined || token === '') {
    throw new AdminUsageError(`--admin-token is required (or set ${TOKEN_ENV})`)
  }
  return { url, token }
}

/** The admin API's error shape: `{ error: { code, message, path?, details? } }`. */
function errorText(
  status: number,
  body: unknown,
  text: string,
): { message: string; code: string | undefined } {
  const error = (body as { error?: unknown } | null | undefined)?.error
  if (error !== null && typeof error === 'object') {
    const e = error as Record<string, unknown>
    if (typeof e.message === 'string') {
      return { message: e.message, code: typeof e.code === 'string' ? e.code : undefined }
    }
  }
  return { message: text.slice(0, 300) || `HTTP ${status}`, code: undefined }
}

export class AdminClient {
  constructor(
    private readonly target: AdminTarget,
    private readonly timeoutMs = 30_000,
  ) {}

  /** Calls `method path` with a JSON body; resolves the JSON answer; throws AdminApiError. */
  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.target.url).toString()
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.target.token}`,
      accept: 'application/json',
    }
    if (body !== undefined) headers['content-type'] = 'application/json'
    let response
    try {
      response = await request(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      })
    } catch (error) {
      throw new AdminApiError(
        `cannot reach ${url}: ${(error as Error).message}`,
        undefined,
        undefined,
        undefined,
      )
    }
    const text = await response.body.text()
    let parsed: unknown
    try {
      parsed = text === '' ? undefined : JSON.parse(text)
    } catch {
      parsed = undefined
    }
    const status = response.statusCode
    if (status >= 200 && status < 300) return parsed as T
    const { message, code } = errorText(status, parsed, text)
    const hint =
      status === 401 || status === 403
        ? ' (check --admin-token / ADMIN_TOKEN)'
        : status === 404 && code !== 'not_found'
          ? ' (is --url the iterable-actions service, and is it up to date?)'
          : ''
    // The query (flags such as dryRun) is left out: the message names the resource.
    const resource = path.split('?')[0]
    throw new AdminApiError(`${method} ${resource}: HTTP ${status}: ${message}${hint}`, status, code, parsed)
  }
}

/** What the admin API lists: sources, destinations, mappings. */
export interface NamedItem {
  id: string
  name: string
}

/** An id, else the one item of that name; a clear message when none or several match. */
export function pickByIdOrName(kind: string, wanted: string, items: readonly NamedItem[]): string {
  const named = items.filter((item) => item.name === wanted)
  if (items.some((item) => item.id === wanted)) {
    // Ids can be chosen (configuration files): one item's id may be another one's name.
    if (named.some((item) => item.id !== wanted)) {
      throw new AdminUsageError(
        `"${wanted}" is the id of one ${kind} and the name of another: give the id of the one you mean`,
      )
    }
    return wanted
  }
  if (named.length === 1) return named[0].id
  if (named.length > 1) {
    throw new AdminUsageError(
      `several ${kind}s are named "${wanted}": give its id (${named.map((i) => i.id).join(', ')})`,
    )
  }
  throw new AdminUsageError(`no ${kind} has the id or name "${wanted}"`)
}
