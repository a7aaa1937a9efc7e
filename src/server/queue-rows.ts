// A destination's unfinished work as rows of (destination, endpoint): its log backlog and its parked
// items per lane. Shared by the /metrics gauges, the queues and the cluster view of the admin API.
import type { DeliveryStats } from '../store/types.js'

/** One gauge row: a destination's log backlog (`endpoint: "log"`) or its parked items of one lane. */
export interface QueueRow {
  destinationId: string
  endpoint: string
  depth: number
  oldestAt: number | null
}

export function queueRows(stats: readonly DeliveryStats[]): QueueRow[] {
  const rows: QueueRow[] = []
  for (const s of stats) {
    rows.push({
      destinationId: s.destinationId,
      endpoint: 'log',
      depth: s.behind,
      oldestAt: s.oldestBehindAt,
    })
    for (const lane of s.lanes) {
      rows.push({
        destinationId: s.destinationId,
        endpoint: lane.lane,
        depth: lane.retrying + lane.held,
        oldestAt: lane.oldestEnqueuedAt,
      })
    }
  }
  return rows
}
