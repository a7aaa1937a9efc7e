// Long batch work written as generators that pause every EVENTS_PER_TURN events, run either at once
// (tests, benchmarks) or with a turn of the event loop at each pause (the routes). A 500 KB batch
// may hold 170,000 tiny events, half a second of work: in one piece, a few such requests in parallel
// held up health checks and every other request for seconds. The routes run such work one request
// at a time (TurnQueue): it is all on one thread anyway, and side by side their parsed events would
// all be in memory at once.

/** Events handled between two turns of the event loop. */
export const EVENTS_PER_TURN = 1000

/** Work that pauses (yields) now and then and returns a T. */
export type Steps<T> = Generator<void, T, void>

/** Runs the work to its end without pausing. */
export function runAtOnce<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next()
    if (step.done === true) return step.value
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Runs the work, letting the event loop run other callbacks (I/O, timers) at each pause. */
export async function runInTurns<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const step = steps.next()
    if (step.done === true) return step.value
    await nextTurn()
  }
}

/** Runs pieces of work one at a time, in the order given (each may take its turns inside). */
export class TurnQueue {
  private tail: Promise<unknown> = Promise.resolve()

  run<T>(work: () => Promise<T>): Promise<T> {
    const done = this.tail.then(work)
    this.tail = done.catch(() => undefined)
    return done
  }
}
