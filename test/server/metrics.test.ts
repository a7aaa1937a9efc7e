// Prometheus metrics: the queue gauges of one scrape share one read of the queue statistics (a scan
// of the whole queue, slow under a backlog), and the next scrape reads afresh; on a real SQLite store.
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
    const destination = await real.createDestination({ name: 'd', kind: 'iterable', apiKey: null })
    const [jobId] = await real.enqueue([
      {
        destinationId: destination.id,
        endpoint: '/api/events/track',
        mappingId: null,
        eventId: null,
        messageId: 'm-1',
        action: 'trackEvent',
        payload: '{}',
      },
    ])
    let reads = 0
    const counting: Store = {
      ...real,
      queueStats: (now?: number) => {
        reads++
        return real.queueStats(now)
      },
    }
    const { registry } = createMetrics(counting, { defaultMetrics: false })

    const text = await registry.metrics()
    expect(text).toMatch(
      /iterable_actions_queue_depth\{destination="[^"]+",endpoint="\/api\/events\/track"\} 1/,
    )
    expect(text).toMatch(
      /iterable_actions_queue_oldest_age_seconds\{destination="[^"]+",endpoint="\/api\/events\/track"\}/,
    )
    expect(reads).toBe(1)

    // The next scrape sees the queue as it is now: the job is gone.
    await real.deadLetter([jobId], { reason: 'test', code: 'TEST' })
    const after = await registry.metrics()
    expect(reads).toBe(2)
    expect(after).not.toMatch(/iterable_actions_queue_depth\{/)
  })
})
