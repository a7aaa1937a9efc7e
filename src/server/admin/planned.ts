// The requests planned deliveries would make, as the admin API shows them (test mapping, event
// lookup): each single request, then its follow-ups, at the URL delivery uses.
import type { PlannedDelivery } from '../../iterable/actions/types.js'
import { PREVIEW_HEADERS } from '../../preview/render.js'

export interface ShownRequest {
  method: 'POST'
  url: string
  path: string
  headers: Readonly<Record<string, string>>
  body: unknown
}

export function plannedRequests(deliveries: readonly PlannedDelivery[], base: string): ShownRequest[] {
  const requests: ShownRequest[] = []
  for (const delivery of deliveries) {
    const parts = [{ path: delivery.endpoint, body: delivery.item as unknown }, ...(delivery.followUps ?? [])]
    for (const part of parts) {
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
