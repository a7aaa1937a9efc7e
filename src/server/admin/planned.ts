// The requests planned deliveries would make, as the admin API shows them (test mapping, event
// lookup): each single request, then its follow-ups, at the URL delivery uses.
import type { PlannedDelivery, RequestMethod } from '../../iterable/actions/types.js'
import { PREVIEW_HEADERS } from '../../preview/render.js'

export interface ShownRequest {
  method: RequestMethod
  url: string
  path: string
  headers: Readonly<Record<string, string>>
  /** Absent for requests sent without a body (PATCH and DELETE of a subscription). */
  body?: unknown
}

export function plannedRequests(deliveries: readonly PlannedDelivery[], base: string): ShownRequest[] {
  const requests: ShownRequest[] = []
  for (const delivery of deliveries) {
    const method = delivery.method ?? 'POST'
    const main: ShownRequest = {
      method,
      url: base + delivery.endpoint,
      path: delivery.endpoint,
      headers: PREVIEW_HEADERS,
    }
    if (method !== 'PATCH' && method !== 'DELETE') main.body = delivery.item
    requests.push(main)
    for (const part of delivery.followUps ?? []) {
      requests.push({
        method: 'POST',
        url: base + part.path,
        path: part.path,
        headers: PREVIEW_HEADERS,
        body: part.body,
      })
    }
  }
  return requests
}
