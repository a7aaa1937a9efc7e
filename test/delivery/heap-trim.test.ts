import { PerformanceObserver } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { trimHeap } from '../../src/delivery/thread/heap-trim.js'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('trimHeap (the delivery thread keeps its heap small)', () => {
  it('collects unreachable objects once the used heap passes the threshold', async () => {
    let garbage: number[][] | undefined = Array.from({ length: 100 }, () => new Array<number>(1000).fill(1))
    const ref = new WeakRef(garbage)
    garbage = undefined
    // Any heap is above one byte: the first look collects.
    const stop = trimHeap({ thresholdBytes: 1, everyMs: 10 })
    try {
      const deadline = Date.now() + 1000
      while (ref.deref() !== undefined && Date.now() < deadline) await sleep(10)
      expect(ref.deref()).toBeUndefined()
    } finally {
      stop()
    }
  })

  it('does not collect at every look while the live heap stays above the threshold', async () => {
    // A live heap over the threshold: after a collection the bar rises to 1.5 × what survived.
    const live = Array.from({ length: 200 }, () => new Array<number>(5000).fill(2))
    const collections: number[] = []
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) collections.push(entry.startTime)
    })
    observer.observe({ entryTypes: ['gc'] })
    const stop = trimHeap({ thresholdBytes: 1, everyMs: 10 })
    try {
      await sleep(300)
    } finally {
      stop()
      observer.disconnect()
    }
    expect(live.length).toBe(200)
    // About 30 looks and one collection (plus any V8 starts itself); each look would collect without the raised bar.
    expect(collections.length).toBeLessThan(10)
  })
})
