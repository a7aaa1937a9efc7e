// One request to Iterable for a queue (the caller has taken the rate-limit token): metrics, the
// attempts log, a 429 slows the project's budget for the endpoint, and the outcome feeds the rest.
import type { HttpMethod, IterableResponse } from '../iterable/client/index.js'
import type { QueueKey } from '../store/types.js'
import type { DestinationRuntime } from './destination-runtime.js'
import type { QueueRest } from './queue-rest.js'
import type { WorkerContext } from './worker-context.js'

export class QueueRequests {
  constructor(
    readonly queue: QueueKey,
    readonly ctx: WorkerContext,
    readonly rest: QueueRest,
    readonly signal: AbortSignal,
  ) {}

  async send(
    destination: DestinationRuntime,
    method: HttpMethod,
    path: string,
    body: string,
    jobCount: number,
  ): Promise<IterableResponse> {
    const response = await destination.client.send({ method, path, body, signal: this.signal })
    this.ctx.observer.request?.(path, response.status, response.durationMs)
    if (response.status === 429) destination.limiter.throttled(path, response.outcome.retryAfterMs)
    this.rest.note(response)
    // SQLite: not awaited — the settlement that follows joins the same group commit (one commit, not
    // two, per answer; queued first, so a settled job's attempt is never missing from the log).
    // PostgreSQL has no group commit: an unawaited write would only compete for the pool.
    const recorded = this.#recordAttempt(path, body, response, jobCount)
    if (this.ctx.store.kind !== 'sqlite') await recorded
    return response
  }

  async #recordAttempt(
    endpoint: string,
    requestBody: string,
    response: IterableResponse,
    jobCount: number,
  ): Promise<void> {
    const { status, body: responseBody, durationMs, outcome } = response
    try {
      await this.ctx.store.recordAttempt({
        destinationId: this.queue.destinationId,
        endpoint,
        requestBody,
        responseStatus: status === 0 ? null : status,
        responseBody:
          responseBody === undefined
            ? null
            : typeof responseBody === 'string'
              ? responseBody
              : JSON.stringify(responseBody),
        durationMs: Math.round(durationMs),
        jobCount,
        error: outcome.policy === 'deliver' ? null : `${outcome.code}: ${outcome.message}`,
      })
    } catch (error) {
      // The attempts log is diagnostics; a failure to write it must not fail the delivery.
      this.ctx.logger.warn({ err: error }, 'could not record a delivery attempt')
    }
  }
}
