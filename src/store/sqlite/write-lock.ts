// A write lock shared by the connections of one process (the main thread's and the delivery
// thread's), in shared memory. SQLite's own busy handler would also serialise their writes, but it
// sleeps 1, 2, 5, 10… ms between tries; waiting on the lock wakes the moment the other thread commits.
// SQLite's locking stays underneath as the guarantee; this only makes the wait short.
export class WriteLock {
  readonly #cell: Int32Array

  /** Threads that pass the same buffer share the lock. */
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.#cell = new Int32Array(buffer)
  }

  /** Runs `fn` holding the lock (blocking the thread while another holds it). */
  hold<R>(fn: () => R): R {
    while (Atomics.compareExchange(this.#cell, 0, 0, 1) !== 0) {
      // The timeout only bounds a wait whose notify was missed; the loop tries again.
      Atomics.wait(this.#cell, 0, 1, 100)
    }
    try {
      return fn()
    } finally {
      Atomics.store(this.#cell, 0, 0)
      Atomics.notify(this.#cell, 0, 1)
    }
  }
}
