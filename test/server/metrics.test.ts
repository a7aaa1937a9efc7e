// Prometheus metrics: the queue gauges of one scrape share one read of the delivery statistics, and
// the next scrape reads afresh; destinations that deliver nothing (disabled, no key) are left out.
// On a real SQLite store.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createMetrics } from '../../src/server/metrics.js'
import { openStore, type Store } from '../../src/store/index.js'

let store: Store | undefined
let dir: string | undefined
afterEach(async () => {
  await store?.close()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  store = undefined
  dir = undefined
})

describe('metrics', () => {
  it('reads the queue statistics once per scrape for both queue gauges, afresh at the next scrape', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ia-metrics-'))
    const real = (store = await openStore({ kind: 'sqlite', dir }))
    const destination = await real.createDestination({ name: 'd', kind: 'iterable', apiKey: 'key-1' })
    const keyless = await real.createDestination({ name: 'no key', kind: 'iterable', apiKey: null })
    const disabled = await real.createDestination({
      name: 'off',
      kind: 'iterable',
      apiKey: 'k',
      enabled: false,
    })
    // Their cursors stand before the event too (opened before it came).
    for (const other of [keyless, disabled]) await real.openDelivery(other.id, 'nobody', { leaseMs: 60_000 })
    // One event after the cursor (nobody delivers here), and one parked item.
    await real.ingest({
      sourceId: 's',
      receivedAt: Date.now() - 5000,
      revision: 0,
      events: [{ messageId: 'm-1', body: '{}', size: 2 }],
    })
    const owner = 'metrics-test'
    await real.openDelivery(destination.id, owner, { leaseMs: 60_000 })
    const parked = {
      eventId: 1,
      ordinal: 0,
      position: 1,
      messageId: 'm-1',
      mappingId: null,
      action: 'trackEvent',
      lane: '/api/events/track',
      keys: [],
      payload: '{}',
      attempts: 1,
      firstEnqueuedAt: Date.now() - 5000,
      runAt: Date.now() + 60_000,
      held: false,
      waitingForUser: false,
      lastError: null,
      statusCode: null,
      errorCode: null,
    }
    await real.commitProgress(destination.id, owner, { park: [parked] })
    let reads = 0
    const counting: Store = {
      ...real,
      deliveryStats: () => {
        reads++
        return real.deliveryStats()
      },
    }
    const { registry } = createMetrics(counting, { defaultMetrics: false })

    const text = await registry.metrics()
    expect(text).toMatch(/iterable_actions_queue_depth\{destination="[^"]+",endpoint="log"\} 1/)
    expect(text).toMatch(
      /iterable_actions_queue_depth\{destination="[^"]+",endpoint="\/api\/events\/track"\} 1/,
    )
    expect(text).toMatch(
      /iterable_actions_queue_oldest_age_seconds\{destination="[^"]+",endpoint="\/api\/events\/track"\} [4-9]/,
    )
    expect(reads).toBe(1)
    // Nothing will move their cursors: not queued work.
    expect(text).not.toContain(keyless.id)
    expect(text).not.toContain(disabled.id)

    // The next scrape sees the queue as it is now: the item is finished, the cursor past the event.
    await real.commitProgress(destination.id, owner, { cursor: 1, unpark: [parked] })
    const after = await registry.metrics()
    expect(reads).toBe(2)
    expect(after).toMatch(/iterable_actions_queue_depth\{destination="[^"]+",endpoint="log"\} 0/)
    expect(after).not.toMatch(/endpoint="\/api\/events\/track"/)
  })
})
