// Several nodes on one database: a destination or mapping changed through one node's admin API (or
// a 401 pause set or lifted by one node, a user forgotten) reaches the others here. Every few seconds each node reads
// a fingerprint of the configuration and reloads its routing and delivery when it changed. It then
// records the forgotten-set revision it holds (nodes.forgotten_seen): a forget on another node waits
// for that before it deletes anything or calls Iterable.
import type { Logger } from 'pino'
import type { Delivery } from '../../delivery/index.js'
import type { Store } from '../../store/index.js'
import { EveryInterval } from '../../util/every-interval.js'

export const CONFIG_WATCH_MS = 2000

async function fingerprint(store: Store): Promise<{ text: string; forgotten: string[] }> {
  const destinations = await store.listDestinations()
  const mappings = await store.listMappings()
  // Users forgotten (or unforgotten) through another node: ingest and delivery here follow.
  const forgotten = await store.listForgotten()
  const text = [
    ...destinations.map((d) => `d:${d.id}:${d.updatedAt}:${d.paused?.since ?? '-'}`),
    ...mappings.map((m) => `m:${m.id}:${m.updatedAt}`),
    ...forgotten.map((hash) => `f:${hash}`),
  ]
    .sort()
    .join('|')
  return { text, forgotten }
}

/** Starts watching; the returned function stops it (and waits for a reload in progress). */
export async function watchConfiguration(
  store: Store,
  delivery: Delivery,
  logger: Logger,
  everyMs = CONFIG_WATCH_MS,
): Promise<() => Promise<void>> {
  // What this node reports seen must be what it holds: the forgotten set may have changed since
  // the service's first reload (then it reloads now; otherwise nothing is reloaded at start).
  const first = await fingerprint(store)
  let last = first.text
  if (!delivery.forgotten.sameAs(first.forgotten)) await delivery.reload()
  let reported = 0
  let running: Promise<void> = Promise.resolve()
  let stopped = false
  // A database away fails every check: said once per interval, not every 2 s.
  const failures = new EveryInterval(30_000)
  const check = async (): Promise<void> => {
    try {
      // Read before the set: whatever is reloaded below holds at least this revision.
      const revision = await store.forgottenRevision()
      const now = (await fingerprint(store)).text
      if (stopped) return
      if (now !== last) {
        last = now
        const problems = await delivery.reload()
        logger.info(
          { problems: problems.length },
          'configuration changed in the store (another node): reloaded',
        )
      }
      // False before this node's first heartbeat (no row yet): said again at the next check.
      if (revision > reported && (await store.markForgottenSeen(delivery.nodeId, revision))) {
        reported = revision
      }
    } catch (error) {
      const held = failures.pass()
      if (held !== null)
        logger.error({ err: error, similarFailuresNotLogged: held }, 'configuration check failed')
    }
  }
  const timer = setInterval(() => {
    running = running.then(check)
  }, everyMs)
  timer.unref()
  return async () => {
    stopped = true
    clearInterval(timer)
    await running
  }
}
