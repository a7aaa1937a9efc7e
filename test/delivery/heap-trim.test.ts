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
})
