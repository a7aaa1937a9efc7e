// The benchmark's handle on the sink process (./sink.mjs): start it, read and reset its counts over
// IPC, wait until it has seen a number of items.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { forkNode, nextMessage } from '../lib/children.mjs'

const SINK = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sink.mjs')
const POLL_MS = 20

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export async function startSink(log) {
  const { child } = forkNode('sink', SINK, { log })
  const { port } = await nextMessage(child, 'the sink to listen', (m) => m?.type === 'listening', 30_000)
  let nextId = 0
  const ask = async (type) => {
    const id = nextId++
    child.send({ type, id })
    return nextMessage(child, `the sink's ${type} answer`, (m) => m?.type === type && m.id === id, 10_000)
  }
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    port,
    /** {requests, items, byEndpoint, lastItemAt (bigint, hrtime ns, or null)}. */
    async stats() {
      const stats = await ask('stats')
      return { ...stats, lastItemAt: stats.lastItemAt === null ? null : BigInt(stats.lastItemAt) }
    },
    async reset() {
      await ask('reset')
    },
    /**
     * Waits until the sink has seen at least `items` items. Returns 'reached'; 'gave up' when
     * `giveUp()` says so after `quietMs` without a new item (asked at most once per quiet period);
     * 'timed out' after `timeoutMs`. Reports progress every 5 s.
     */
    async waitForItems(items, { timeoutMs, quietMs = 2000, giveUp = async () => false, onProgress }) {
      const deadline = Date.now() + timeoutMs
      let seen = -1
      let lastChange = Date.now()
      let lastReport = Date.now()
      for (;;) {
        const stats = await this.stats()
        if (stats.items >= items) return 'reached'
        if (stats.items !== seen) {
          seen = stats.items
          lastChange = Date.now()
        } else if (Date.now() - lastChange >= quietMs) {
          if (await giveUp()) return 'gave up'
          lastChange = Date.now()
        }
        if (Date.now() > deadline) return 'timed out'
        if (Date.now() - lastReport > 5000) {
          onProgress?.(stats.items)
          lastReport = Date.now()
        }
        await sleep(POLL_MS)
      }
    },
  }
}
