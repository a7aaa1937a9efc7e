// What an item sends: its request (or its item of a bulk request) and its follow-ups, with the URL
// delivery sends them to. From an item as routing gives it, or from the payload a parked item or a
// dead letter keeps.
import { sendsBody, type ItemPayload } from '../../delivery/index.js'
import type { Outcome } from '../../store/types.js'
import type { AdminContext } from './context.js'
import { deliveryBaseUrl } from './destination-access.js'

export interface SentRequest {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: string
  /** Absent for requests sent without a body (PATCH and DELETE of a subscription). */
  body?: unknown
  /** Set when the body is one item of a bulk request, under this list key. */
  bulkItemOf?: string
  /** Sent after the main request succeeded (e.g. updateEmail after a merge). */
  followUp?: true
}

/** An outcome as the admin API shows it: the stored payload replaced by what it means. */
export type OutcomeView = Omit<Outcome, 'payload'> & { sent: SentRequest[] | null }

/** The requests of an item (or of its stored payload); null when there is none or it cannot be read. */
export function sentRequests(item: ItemPayload | string | null, base: string): SentRequest[] | null {
  let payload: ItemPayload
  if (typeof item === 'string') {
    try {
      payload = JSON.parse(item) as ItemPayload
    } catch {
      return null
    }
  } else if (item === null) return null
  else payload = item
  if (typeof payload !== 'object' || payload === null || typeof payload.path !== 'string') return null
  const bulk = payload.bulk
  let main: SentRequest
  if (bulk !== undefined) {
    // A list of identifiers holds one value of the item (subscriptions: the email or the userId).
    const body = bulk.element === undefined ? payload.body : payload.body[bulk.element]
    main = { method: bulk.method ?? 'POST', url: base + bulk.path, body, bulkItemOf: bulk.listKey }
  } else {
    main = { method: payload.method ?? 'POST', url: base + payload.path }
    if (sendsBody(payload)) main.body = payload.body
  }
  const followUps = (payload.followUps ?? []).map((f): SentRequest => ({
    method: 'POST',
    url: base + f.path,
    body: f.body,
    followUp: true,
  }))
  return [main, ...followUps]
}

/** destinationId → the base URL its requests go to (as delivery sends them now). */
export async function baseUrls({
  store,
  delivery,
}: AdminContext): Promise<(destinationId: string) => string> {
  const bases = new Map<string, string>()
  for (const d of await store.listDestinations()) {
    bases.set(d.id, deliveryBaseUrl(delivery, d.settings.dataCenterLocation))
  }
  return (id) => bases.get(id) ?? deliveryBaseUrl(delivery, undefined)
}

export function outcomeView(outcome: Outcome, base: (destinationId: string) => string): OutcomeView {
  const { payload, ...rest } = outcome
  return { ...rest, sent: sentRequests(payload, base(outcome.destinationId)) }
}
