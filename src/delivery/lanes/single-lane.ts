// A lane of single requests (users/update, events/track, commerce): up to `concurrency` requests in
// flight, each carrying one item.
import {
  bulkOutcomes,
  LIST_MEMBER_PATHS,
  type BulkItem,
  type BulkItemOutcome,
  type IterableResponse,
} from '../../iterable/client/index.js'
import { asRetry, bodyText, isListedNotFound, isUserNotFound, pausedState } from '../settle.js'
import { sendsBody } from '../item.js'
import type { WorkItem } from '../work-item.js'
import { Lane } from './lane.js'

export class SingleLane extends Lane {
  pump(): void {
    while (this.inFlight < this.host.options.concurrency && this.waiting > 0 && this.canSend()) {
      const item = this.take()
      if (item === undefined) return
      this.inFlight++
      void this.#send(item)
        .catch((error: unknown) => this.host.logger.error({ err: error }, 'single request failed'))
        .finally(() => {
          this.inFlight--
          this.pump()
        })
    }
  }

  async #send(item: WorkItem): Promise<void> {
    const { host } = this
    const runtime = host.runtime()
    const { path, method = 'POST' } = item.payload
    host.settle.sending([item])
    // The lane is the documented endpoint: one budget for all its paths (a user's email in each).
    await runtime.limiter.take(this.endpoint)
    if (!host.active() || this.rest.resting) {
      host.settle.unsent([item])
      this.giveBack([item])
      return
    }
    let body = sendsBody(item.payload) ? item.json : undefined
    const { listName } = item.payload
    if (listName !== undefined) {
      const listId = await this.listIdFor([item], listName)
      if (listId === undefined) return
      body = JSON.stringify({ listId, ...item.payload.body })
    }
    const response = await runtime.client.send({ method, path, body })
    this.noteResponse(this.endpoint, response)
    const { status } = response
    const outcome = memberOutcome(item, response)
    const failed = outcome.policy !== 'deliver'
    const keep = failed || host.options.requestBodies === 'all'
    host.progress.attempt({
      endpoint: method === 'POST' ? path : `${method} ${path}`,
      requestBody: keep ? (body ?? null) : null,
      responseStatus: status === 0 ? null : status,
      responseBody: keep ? bodyText(response.body) : null,
      durationMs: response.durationMs,
      jobCount: 1,
      eventIds: [item.eventId],
      error: failed ? `${outcome.code}: ${outcome.message}` : null,
    })
    if (!failed) {
      await host.settle.delivered(item, status)
    } else if (outcome.policy === 'pause' || status === 429) {
      // Not the item's fault: it goes first again, without an attempt counted.
      if (outcome.policy === 'pause') host.pause(pausedState(outcome), runtime)
      host.settle.unsent([item])
      this.giveBack([item])
    } else {
      // A custom event for a user that does not exist yet (email-based project): its identify may
      // still be on its way, so a short retry instead of a dead letter.
      // A list member Iterable does not know (yet) is listed as notFound in the answer (L3).
      if (isListedNotFound(outcome)) return host.settle.failed(item, { outcome, notFound: true })
      const notFound = isUserNotFound(outcome)
      host.settle.failed(item, notFound ? { outcome: asRetry(outcome), notFound } : { outcome, notFound })
    }
  }
}

/**
 * A list call (syncAudience sent on its own) answers 200 with its one member's failure in the
 * bulk lists (L3): that is the item's outcome. Any other request's outcome is the answer's.
 */
function memberOutcome(item: WorkItem, response: IterableResponse): BulkItemOutcome {
  const subscribers = item.payload.body.subscribers
  if (!LIST_MEMBER_PATHS.has(item.payload.path) || !Array.isArray(subscribers)) return response.outcome
  return bulkOutcomes('users', subscribers as BulkItem[], response)[0] ?? response.outcome
}
