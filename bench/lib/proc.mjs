// What the benchmarks read about a process from Linux's /proc and about the loopback interface:
// CPU time, memory, I/O counters, a free port. Readers return zeros when the process is gone.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100

/** CPU seconds (user + system, all threads, live and exited) a process has used so far. */
export function cpuSecondsOf(pid) {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return 0
  }
}

/** Current RSS (VmRSS) and peak RSS (VmHWM) of a process, in MB. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0)
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 }
  } catch {
    return { rss: 0, hwm: 0 }
  }
}

/**
 * I/O counters of a process (all threads), in bytes: `writeBytes` is what it caused to be sent to
 * storage (page-cache writes count when dirtied), `wchar` every byte passed to write-like calls,
 * sockets included.
 */
export function ioOf(pid) {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8')
    const value = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(io)?.[1] ?? 0)
    return { writeBytes: value('write_bytes'), wchar: value('wchar') }
  } catch {
    return { writeBytes: 0, wchar: 0 }
  }
}

/** A TCP port on `host` that nothing listens on right now. */
export async function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** What a benchmark compares before and after a run: CPU seconds, bytes written, peak RSS (MB). */
export function countersOf(pid) {
  const { writeBytes, wchar } = ioOf(pid)
  return { cpuSeconds: cpuSecondsOf(pid), writeBytes, wchar, peakRssMb: memoryOf(pid).hwm }
}
