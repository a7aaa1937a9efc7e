// Answers of the deliveries routes: outcome counts over time, the outcome log, the requests sent to
// Iterable and the unfinished work per destination.
import { Type } from '@sinclair/typebox'
import { Counts, Nullable, OutcomeKind, OutcomeView, Page, Time } from './common.js'

export const OutcomeCount = Type.Object({
  bucketStart: Time(),
  destinationId: Type.String(),
  mappingId: Nullable(Type.String()),
  action: Type.String(),
  outcome: OutcomeKind,
  count: Type.Integer(),
})

export const DeliveryCounts = Type.Object({
  from: Time(),
  to: Time(),
  bucketMs: Type.Integer(),
  totals: Counts,
  items: Type.Array(OutcomeCount),
})

export const OutcomePage = Page(OutcomeView, 'Pass as `before` for the next page')

/** A request sent to Iterable; bodies only when kept (failed, refused items, or requestBodies: all). */
export const Attempt = Type.Object({
  id: Type.Integer(),
  at: Time(),
  destinationId: Type.String(),
  endpoint: Type.String(),
  jobCount: Type.Integer({ description: 'Items it carried' }),
  durationMs: Type.Number(),
  error: Nullable(Type.String()),
  request: Type.Object({ body: Type.Unknown({ description: 'JSON, text, or null when not kept' }) }),
  response: Type.Object({ status: Nullable(Type.Integer()), body: Type.Unknown() }),
})

export const AttemptPage = Page(Attempt, 'Pass as `before` for the next page')

/** A destination's log backlog (endpoint "log") or its parked items of one endpoint. */
export const QueueItem = Type.Object({
  destinationId: Type.String(),
  endpoint: Type.String(),
  depth: Type.Integer(),
  oldestAt: Nullable(Time()),
  oldestAgeMs: Nullable(Type.Number()),
})

/** Where a destination's delivery stands: its cursor, the backlog, parked items, owner and lease. */
export const DeliveryStats = Type.Object({
  destinationId: Type.String(),
  cursor: Type.Integer({ description: 'Events up to this id are finished, parked or settled' }),
  behind: Type.Integer({ description: 'Accepted events after the cursor' }),
  oldestBehindAt: Nullable(Time()),
  lanes: Type.Array(
    Type.Object({
      lane: Type.String(),
      retrying: Type.Integer(),
      held: Type.Integer(),
      oldestEnqueuedAt: Nullable(Time()),
    }),
  ),
  owner: Nullable(Type.String({ description: 'The node holding the delivery lease' })),
  leaseUntil: Nullable(Time()),
})

export const Queues = Type.Object({
  items: Type.Array(QueueItem),
  destinations: Type.Array(DeliveryStats),
  totalDepth: Type.Integer(),
})
