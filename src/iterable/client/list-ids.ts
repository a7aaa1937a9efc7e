// The ids of an Iterable project's lists by name, for syncAudience events without a list id: the list
// named by the audience key, as Segment finds it when an audience is created (GET /api/lists, the
// first list of that exact name), else created (POST /api/lists {name}). Kept in memory per project
// (one instance per project, for the life of the process): a restart looks each name up once again,
// which finds the list created before rather than creating a second one.
import type { IterableResponse } from './client.js'
import type { IterableOutcome } from './outcome.js'

export const LISTS_PATH = '/api/lists'

/** The list calls whose answer is a bulk answer (users/bulkUpdate's shape), even for one member. */
export const LIST_MEMBER_PATHS: ReadonlySet<string> = new Set([
  '/api/lists/subscribe',
  '/api/lists/unsubscribe',
])

export type ListIdResult =
  | { readonly listId: number }
  /** Iterable's answer was not a success (or not of the documented shape): the caller retries, pauses … */
  | { readonly failed: IterableOutcome; readonly response: IterableResponse }

/** Sends one request, after whatever the caller must do first (its rate limit). */
export type ListRequest = (method: 'GET' | 'POST', body?: unknown) => Promise<IterableResponse>

function malformed(response: IterableResponse, what: string): ListIdResult {
  const failed: IterableOutcome = {
    kind: 'retryable',
    policy: 'retry',
    code: 'LIST_ANSWER_MALFORMED',
    status: response.status,
    message: `${what} answered without ${what.startsWith('GET') ? '"lists"' : 'a numeric "listId"'}`,
  }
  return { failed, response }
}

export class ListIds {
  readonly #ids = new Map<string, number>()
  /** One lookup per name at a time: concurrent requests for a name wait for the same answer. */
  readonly #pending = new Map<string, Promise<ListIdResult>>()
  /** The id of the list of this name: cached, found, or created. Failures are not cached. */
  resolve(name: string, request: ListRequest): Promise<ListIdResult> {
    const id = this.#ids.get(name)
    if (id !== undefined) return Promise.resolve({ listId: id })
    let pending = this.#pending.get(name)
    if (pending === undefined) {
      pending = this.#lookUp(name, request).finally(() => this.#pending.delete(name))
      this.#pending.set(name, pending)
    }
    return pending
  }

  async #lookUp(name: string, request: ListRequest): Promise<ListIdResult> {
    const listed = await request('GET')
    if (listed.outcome.policy !== 'deliver') return { failed: listed.outcome, response: listed }
    const lists = (listed.body as { lists?: unknown } | null)?.lists
    if (!Array.isArray(lists)) return malformed(listed, `GET ${LISTS_PATH}`)
    const found = lists.find((list: unknown) => (list as { name?: unknown } | null)?.name === name) as
      { id?: unknown } | undefined
    if (typeof found?.id === 'number') return this.#keep(name, found.id)
    const created = await request('POST', { name })
    if (created.outcome.policy !== 'deliver') return { failed: created.outcome, response: created }
    const listId = (created.body as { listId?: unknown } | null)?.listId
    if (typeof listId !== 'number') return malformed(created, `POST ${LISTS_PATH}`)
    return this.#keep(name, listId)
  }

  #keep(name: string, listId: number): ListIdResult {
    this.#ids.set(name, listId)
    return { listId }
  }
}
