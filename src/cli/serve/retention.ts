// Retention while the service runs: the store's `prune` (old events, dedupe keys, outcomes and
// attempts, by age and by size caps; docs/store.md) a few seconds after start, then at a steady
// interval. The events are the queue: none after the lowest cursor of a destination that delivers
// (enabled, with an API key; paused ones included) is pruned. With PostgreSQL every node schedules it;
// a node finding another one at it skips the round.
import type { Logger } from 'pino'
import { unlessStoreLocked, type Store, type StoreOptions } from '../../store/index.js'

/** Default interval between two runs. */
export const PRUNE_EVERY_MS = 10 * 60 * 1000
/** The first run: soon after start, so that a service restarted often still cleans up. */
const FIRST_PRUNE_AFTER_MS = 10_000

export interface Pruning {
  /** Stops the schedule; waits for a run in progress. */
  stop(): Promise<void>
}

export function schedulePruning(
  store: Store,
  storeOptions: StoreOptions,
  logger: Logger,
  everyMs = PRUNE_EVERY_MS,
): Pruning {
  let timer: NodeJS.Timeout | null = null
  let running: Promise<void> | null = null
  let stopped = false

  const run = async (): Promise<void> => {
    try {
      // Another node pruning now: this one skips the round.
      const pruned = await unlessStoreLocked(storeOptions, 'prune', async () =>
        store.prune({ keepAfter: await undeliveredAfter(store) }),
      )
      if (pruned !== undefined && Object.values(pruned).some((count) => count > 0))
        logger.info({ pruned }, 'retention: old records deleted')
    } catch (error) {
      logger.error({ err: error }, 'retention: prune failed; trying again at the next interval')
    }
  }
  const schedule = (delayMs: number): void => {
    if (stopped) return
    timer = setTimeout(() => {
      running = run().finally(() => {
        running = null
        schedule(everyMs)
      })
    }, delayMs)
    timer.unref()
  }
  schedule(Math.min(FIRST_PRUNE_AFTER_MS, everyMs))

  return {
    async stop() {
      stopped = true
      if (timer !== null) clearTimeout(timer)
      await running
    },
  }
}

/**
 * The lowest cursor among the destinations that deliver: events after it are not delivered
 * everywhere yet. A disabled destination, or one without an API key, holds nothing back: its events
 * were never routed to it.
 */
export async function undeliveredAfter(store: Store): Promise<number> {
  const delivering = new Set(
    (await store.listDestinations()).filter((d) => d.enabled && d.hasApiKey).map((d) => d.id),
  )
  let lowest = Number.MAX_SAFE_INTEGER
  for (const stats of await store.deliveryStats()) {
    if (delivering.has(stats.destinationId)) lowest = Math.min(lowest, stats.cursor)
  }
  return lowest
}
