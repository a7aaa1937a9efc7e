// Turns planned deliveries into the requests a preview shows (no API key, ever).
import { USER_AGENT } from '../version.js'
import type { FollowUpRequest, PlannedDelivery } from '../iterable/actions/types.js'
import { baseUrl } from '../iterable/regions.js'
import type { IterableSettings } from '../iterable/settings.js'
import type { PreviewRequest } from './types.js'

/** The headers of every request, as the client sends them, minus `Api-Key`. */
export const PREVIEW_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json',
  'user-agent': USER_AGENT,
})

export function renderRequest(
  settings: IterableSettings,
  path: string,
  body: unknown,
  method: PreviewRequest['method'] = 'POST',
): PreviewRequest {
  const url = baseUrl(settings.dataCenterLocation) + path
  // PATCH and DELETE name the user in the path and send no body.
  if (method === 'PATCH' || method === 'DELETE') return { method, url, headers: PREVIEW_HEADERS }
  return { method, url, headers: PREVIEW_HEADERS, body }
}

export function renderFollowUps(
  settings: IterableSettings,
  followUps: readonly FollowUpRequest[],
): PreviewRequest[] {
  return followUps.map((f) => renderRequest(settings, f.path, f.body))
}

/**
 * A delivery sent on its own: the single request, then its follow-ups. A list named rather than
 * given by id (syncAudience) is looked up first: `GET /api/lists`, then `listId` goes into the body.
 */
export function renderSingle(settings: IterableSettings, delivery: PlannedDelivery): PreviewRequest[] {
  const first = renderRequest(settings, delivery.endpoint, delivery.item, delivery.method)
  const lookup: PreviewRequest[] =
    delivery.listName === undefined
      ? []
      : [
          {
            method: 'GET',
            url: baseUrl(settings.dataCenterLocation) + '/api/lists',
            headers: PREVIEW_HEADERS,
          },
        ]
  const requests = [...lookup, first]
  return delivery.followUps ? [...requests, ...renderFollowUps(settings, delivery.followUps)] : requests
}
