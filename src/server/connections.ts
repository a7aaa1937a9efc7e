// Caps the open connections of the HTTP server below the file-descriptor limit. Node's own
// `server.maxConnections` refuses every new connection once the cap is reached, so a few hundred
// slow clients would lock out everyone else, health checks included. Here a new connection over the
// cap closes instead the connection that has waited longest without a request being handled: idle
// keep-alive connections and requests whose headers or body are still arriving. Connections whose
// request is being handled are never closed; only when every connection is busy is the new one
// refused. Slow requests also end by themselves at the request timeout (Node answers 408).
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

interface Tracked {
  /** The request being received or handled, if any. */
  request: IncomingMessage | undefined
  /** Since when the connection waits: connected, request started, or last response finished. */
  since: number
}

export interface ConnectionGuard {
  /** Open connections. */
  readonly open: number
  /** Connections closed to make room (or refused) since start. */
  readonly shed: number
}

/** Whether a connection may be closed to make room: nothing of it is being handled. */
function waiting(tracked: Tracked): boolean {
  return tracked.request === undefined || !tracked.request.complete
}

export function guardConnections(
  server: Server,
  maxConnections: number,
  onShed?: (open: number) => void,
): ConnectionGuard {
  const connections = new Map<Socket, Tracked>()
  let shed = 0

  const makeRoom = (newcomer: Socket): void => {
    let oldest: Socket | undefined
    let oldestSince = Infinity
    for (const [socket, tracked] of connections) {
      if (socket !== newcomer && waiting(tracked) && tracked.since < oldestSince) {
        oldest = socket
        oldestSince = tracked.since
      }
    }
    shed++
    onShed?.(connections.size)
    ;(oldest ?? newcomer).destroy()
  }

  server.on('connection', (socket: Socket) => {
    connections.set(socket, { request: undefined, since: Date.now() })
    socket.once('close', () => connections.delete(socket))
    if (connections.size > maxConnections) makeRoom(socket)
  })

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const tracked = connections.get(request.socket)
    if (tracked === undefined) return
    tracked.request = request
    tracked.since = Date.now()
    response.once('finish', () => {
      if (tracked.request !== request) return
      tracked.request = undefined
      tracked.since = Date.now()
    })
  })

  return {
    get open() {
      return connections.size
    },
    get shed() {
      return shed
    },
  }
}
