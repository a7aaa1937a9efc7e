// What a job sent, from the payload the outcome log keeps with each job outcome: the request (or
// the item of a bulk request) and its follow-ups, with the URL delivery sends them to.
import { decodePayload } from '../../delivery/job-payload.js'
import type { Outcome } from '../../store/types.js'
import type { AdminContext } from './context.js'
import { deliveryBaseUrl } from './destination-access.js'

export interface SentRequest {
  method: 'POST'
  url: string
  body: unknown
  /** Set when the body was one item of a bulk request, under this list key. */
  bulkItemOf?: string
  /** Sent after the main request succeeded (e.g. updateEmail after a merge). */
  followUp?: true
}

/** An outcome as the admin API shows it: the stored payload replaced by what it means. */
export type OutcomeView = Omit<Outcome, 'payload'> & { sent: SentRequest[] | null }

/** The requests of a job payload; null when there is none or it cannot be read. */
export function sentRequests(payload: string | null, base: string): SentRequest[] | null {
  if (payload === null) return null
  let job
  try {
    job = decodePayload(payload)
  } catch {
    return null
  }
  if (typeof job !== 'object' || job === null || typeof job.p !== 'string') return null
  const main: SentRequest =
    job.b !== undefined
      ? { method: 'POST', url: base + job.b, body: job.i, bulkItemOf: job.k ?? 'events' }
      : { method: 'POST', url: base + job.p, body: job.i }
  const followUps = (job.f ?? []).map((f): SentRequest => ({
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
