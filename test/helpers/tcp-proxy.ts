// A TCP proxy in front of a real server (the shared PostgreSQL), for tests of what a client does when
// the server goes away: `cut()` resets every open connection and every new one until `restore()`,
// as a server that restarts or a network that fails would. The server itself is never touched.
import { createServer, connect, type Server, type Socket } from 'node:net'

export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number
  /** Resets the open connections; new ones are reset at once, and counted, until restore(). */
  cut(): void
  restore(): void
  /** Connections attempted while cut. */
  readonly refused: number
  close(): Promise<void>
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>()
  let cut = false
  let refused = 0
  const server: Server = createServer((client) => {
    if (cut) {
      refused++
      client.resetAndDestroy()
      return
    }
    const upstream = connect(target.port, target.host)
    open.add(client)
    open.add(upstream)
    const end = (): void => {
      client.destroy()
      upstream.destroy()
      open.delete(client)
      open.delete(upstream)
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port')
  return {
    port: address.port,
    cut() {
      cut = true
      for (const socket of open) socket.resetAndDestroy()
      open.clear()
    },
    restore() {
      cut = false
    },
    get refused() {
      return refused
    },
    async close() {
      for (const socket of open) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
