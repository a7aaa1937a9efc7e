// Wake-ups across nodes: ingest NOTIFYs this channel once per committed transaction (payload: the
// schema, since a channel spans the database); each node LISTENs on a connection of its own and wakes
// its delivery at once instead of at its next poll. A lost connection is opened again; the listener
// is then called once, for what may have been appended meanwhile.
import pg from 'pg'

export const APPEND_CHANNEL = 'iterable_actions_appended'

const RECONNECT_MS = 1000

export async function listenForAppends(
  config: pg.ClientConfig,
  schema: string,
  listener: () => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | null = null
  let stopped = false
  let retry: NodeJS.Timeout | null = null

  const connect = async (): Promise<void> => {
    const next = new pg.Client(config)
    const lost = (): void => {
      if (client !== next) return
      client = null
      void next.end().catch(() => {})
      if (!stopped) retry = setTimeout(() => void reconnect(), RECONNECT_MS)
    }
    next.on('error', lost)
    next.on('end', lost)
    next.on('notification', (message) => {
      if (message.payload === schema) listener()
    })
    client = next
    await next.connect()
    await next.query(`LISTEN ${APPEND_CHANNEL}`)
  }
  const reconnect = async (): Promise<void> => {
    retry = null
    if (stopped) return
    try {
      await connect()
      listener()
    } catch {
      const failed = client
      client = null
      void failed?.end().catch(() => {})
      if (!stopped) retry = setTimeout(() => void reconnect(), RECONNECT_MS)
    }
  }

  await connect()
  return async () => {
    stopped = true
    if (retry !== null) clearTimeout(retry)
    const open = client
    client = null
    await open?.end().catch(() => {})
  }
}
