// Slow HTTP clients over raw sockets, for the tests of timeouts and the connection cap: a client that
// sends a request's headers and then its body a byte at a time, or nothing at all, and records how
// its connection ended (the status line it got, if any, and when).
import { connect, type Socket } from 'node:net'

export interface SlowClientEnd {
  /** The status code of the answer received, or null when the connection closed without one. */
  status: number | null
  /** Milliseconds from connecting to the close. */
  afterMs: number
}

export interface SlowClient {
  /** Resolves once connected (rejects when the connection failed). */
  connected: Promise<void>
  /** Resolves when the connection has closed. */
  ended: Promise<SlowClientEnd>
  socket: Socket
}

export interface TrickleOptions {
  port: number
  host?: string
  path?: string
  /** Authorization header value (none when absent). */
  authorization?: string
  /** Content-Length announced; the body never gets there. */
  contentLength?: number
  /** A body byte every this many ms; 0: headers never complete (one header line per interval). */
  everyMs: number
  /** Send the headers slowly instead of the body. */
  slowHeaders?: boolean
  /** Send nothing at all. */
  silent?: boolean
}

/** Opens a connection that sends its request slowly (see TrickleOptions). */
export function slowClient(options: TrickleOptions): SlowClient {
  const socket = connect(options.port, options.host ?? '127.0.0.1')
  const started = Date.now()
  let answer = ''
  let timer: NodeJS.Timeout | undefined
  socket.setNoDelay(true)
  socket.on('data', (chunk: Buffer) => {
    if (answer.length < 64) answer += chunk.toString('latin1')
  })
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  const ended = new Promise<SlowClientEnd>((resolve) => {
    socket.on('error', () => undefined)
    socket.once('close', () => {
      clearInterval(timer)
      const match = /^HTTP\/1\.1 (\d{3})/.exec(answer)
      resolve({ status: match === null ? null : Number(match[1]), afterMs: Date.now() - started })
    })
  })
  socket.once('connect', () => {
    if (options.silent === true) return
    const head =
      `POST ${options.path ?? '/v1/batch'} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      (options.authorization !== undefined ? `Authorization: ${options.authorization}\r\n` : '') +
      `Content-Type: application/json\r\nContent-Length: ${options.contentLength ?? 100_000}\r\n`
    if (options.slowHeaders === true) {
      socket.write(head)
      let n = 0
      timer = setInterval(() => socket.writable && socket.write(`X-Slow-${n++}: x\r\n`), options.everyMs)
    } else {
      socket.write(head + '\r\n{')
      timer = setInterval(() => socket.writable && socket.write(' '), options.everyMs)
    }
  })
  return { connected, ended, socket }
}

/** GET `path` on a new connection; the status and how long it took, or null status on failure. */
export async function timedGet(
  port: number,
  path: string,
  timeoutMs: number,
): Promise<{ status: number | null; ms: number }> {
  const started = performance.now()
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      signal: AbortSignal.timeout(timeoutMs),
      // A fresh connection each time, as a load balancer's health check would make.
      headers: { connection: 'close' },
    })
    await response.arrayBuffer()
    return { status: response.status, ms: performance.now() - started }
  } catch {
    return { status: null, ms: performance.now() - started }
  }
}
