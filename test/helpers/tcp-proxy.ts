// A TCP proxy in front of a real server (the shared PostgreSQL), for tests of what a client does when
// the server goes away. `cut()` resets every open connection and every new one until `restore()`, as
// a server that restarts or a network that fails loudly would. `blackHole()` keeps every connection
// open and accepts new ones but forwards nothing either way until `restore()`, as a server that hangs
// or a network that drops packets silently would: a client notices only through its own timeouts.
// The server itself is never touched.
import { createServer, connect, type Server, type Socket } from 'node:net'

export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number
  /** Resets the open connections; new ones are reset at once, and counted, until restore(). */
  cut(): void
  /** Forwards nothing until restore(); connections stay open and new ones are accepted, and counted. */
  blackHole(): void
  /** Forwards again: what the black hole held back goes on its way. */
  restore(): void
  /** Connections attempted while cut. */
  readonly refused: number
  /** Connections accepted while in the black hole. */
  readonly swallowed: number
  close(): Promise<void>
}

/** One client connection and its connection to the server, once made. */
interface Pair {
  client: Socket
  upstream: Socket | null
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>()
  let mode: 'forward' | 'cut' | 'black hole' = 'forward'
  let refused = 0
  let swallowed = 0

  const forward = (pair: Pair): void => {
    if (pair.upstream === null) {
      const upstream = connect(target.port, target.host)
      pair.upstream = upstream
      upstream.on('error', () => end(pair)).on('close', () => end(pair))
    }
    pair.client.pipe(pair.upstream)
    pair.upstream.pipe(pair.client)
  }
  const hold = (pair: Pair): void => {
    // Unpiped and paused, a socket reads nothing more: what is sent waits in the kernel's buffers.
    pair.client.unpipe()
    pair.client.pause()
    pair.upstream?.unpipe()
    pair.upstream?.pause()
  }
  const end = (pair: Pair): void => {
    pair.client.destroy()
    pair.upstream?.destroy()
    pairs.delete(pair)
  }

  const server: Server = createServer((client) => {
    if (mode === 'cut') {
      refused++
      client.resetAndDestroy()
      return
    }
    const pair: Pair = { client, upstream: null }
    pairs.add(pair)
    client.on('error', () => end(pair)).on('close', () => end(pair))
    if (mode === 'black hole') {
      swallowed++
      client.pause()
    } else forward(pair)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port')
  return {
    port: address.port,
    cut() {
      mode = 'cut'
      for (const pair of pairs) {
        pair.client.resetAndDestroy()
        pair.upstream?.resetAndDestroy()
      }
      pairs.clear()
    },
    blackHole() {
      mode = 'black hole'
      for (const pair of pairs) hold(pair)
    },
    restore() {
      const wasBlackHole = mode === 'black hole'
      mode = 'forward'
      if (wasBlackHole) for (const pair of pairs) forward(pair)
    },
    get refused() {
      return refused
    },
    get swallowed() {
      return swallowed
    },
    async close() {
      for (const pair of pairs) end(pair)
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A proxy in front of the server of a postgres:// URL, and the URL that goes through it. */
export async function proxyDatabase(url: string): Promise<{ proxy: TcpProxy; url: string }> {
  const target = new URL(url)
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
  const proxied = new URL(url)
  proxied.port = String(proxy.port)
  return { proxy, url: proxied.toString() }
}
