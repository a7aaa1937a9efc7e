// Replay of stored events: they go through the current destinations and mappings again, as if they
// had just arrived (each with its own receivedAt), making new jobs; the caller stores those.
import type { IngestRouting, NewJob, RoutingFailure, StoredEvent } from '../store/types.js'
import type { Router } from './router.js'

/** The jobs and routing failures of `events` today; only `destinationId`'s when given. */
export function routeStored(
  router: Router,
  events: readonly StoredEvent[],
  destinationId?: string,
): IngestRouting {
  const jobs: NewJob[] = []
  const failures: RoutingFailure[] = []
  for (const stored of events) {
    let body: unknown
    try {
      body = JSON.parse(stored.body)
    } catch {
      continue // the store only holds events it serialised itself; nothing to route otherwise
    }
    const routing = router.route(
      [body],
      [{ index: 0, messageId: stored.messageId, eventId: stored.id }],
      stored.receivedAt,
    )
    for (const job of routing.jobs)
      if (destinationId === undefined || job.destinationId === destinationId) jobs.push(job)
    for (const failure of routing.failures ?? [])
      if (destinationId === undefined || failure.destinationId === destinationId) failures.push(failure)
  }
  return { jobs, failures }
}
