// Progress display for `send`: a cli-progress bar on a terminal, plain periodic lines otherwise
// (logs, CI, pipes), so output stays readable wherever it goes.
import { SingleBar } from 'cli-progress'
import type { Writable } from 'node:stream'

export interface Progress {
  update(done: number, accepted: number, failed: number): void
  stop(): void
}

export function createProgress(
  stream: Writable & { isTTY?: boolean },
  total: number,
  quiet: boolean,
): Progress {
  if (quiet) return { update() {}, stop() {} }
  if (stream.isTTY === true) {
    const bar = new SingleBar({
      stream,
      format:
        'sending [{bar}] {percentage}% | {value}/{total} lines | accepted {accepted} | failed {failed} | {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    })
    bar.start(total, 0, { accepted: 0, failed: 0 })
    return {
      update: (done, accepted, failed) => bar.update(done, { accepted, failed }),
      stop: () => bar.stop(),
    }
  }
  // Plain lines: one per 10 % step or every 2 s, plus the final state.
  let lastAt = 0
  let lastStep = -1
  let printedDone = -1
  let last = { done: 0, accepted: 0, failed: 0 }
  const print = (): void => {
    const percent = total === 0 ? 100 : Math.floor((last.done / total) * 100)
    stream.write(
      `progress: ${last.done}/${total} lines (${percent}%), accepted ${last.accepted}, failed ${last.failed}\n`,
    )
    printedDone = last.done
  }
  return {
    update(done, accepted, failed) {
      last = { done, accepted, failed }
      const step = total === 0 ? 10 : Math.floor((done / total) * 10)
      const now = Date.now()
      if (step !== lastStep || now - lastAt >= 2000) {
        print()
        lastStep = step
        lastAt = now
      }
    },
    stop() {
      if (printedDone !== last.done) print()
    },
  }
}
