// The Segment HTTP Tracking API routes and the event type each single-event route implies.

import type { EventType } from '../../engine/event/index.js'

/** Single-event routes, long and analytics.js short forms, with the type they set. */
export const SINGLE_EVENT_ROUTES: ReadonlyArray<readonly [path: string, type: EventType]> = [
  ['/v1/track', 'track'],
  ['/v1/identify', 'identify'],
  ['/v1/page', 'page'],
  ['/v1/screen', 'screen'],
  ['/v1/group', 'group'],
  ['/v1/alias', 'alias'],
  ['/v1/t', 'track'],
  ['/v1/i', 'identify'],
  ['/v1/p', 'page'],
  ['/v1/s', 'screen'],
  ['/v1/g', 'group'],
  ['/v1/a', 'alias'],
]

/** Routes taking `{ batch: [...] }`; `/v1/import` is Segment's historical name for the same thing. */
export const BATCH_ROUTES: readonly string[] = ['/v1/batch', '/v1/import']

export const ALL_INGEST_PATHS: readonly string[] = [
  ...SINGLE_EVENT_ROUTES.map(([path]) => path),
  ...BATCH_ROUTES,
]
