// Events that wait for a replay: received while a destination that delivers now received nothing (no
// API key, or disabled). Per destination, the latest such stretch of time and about how many events
// it holds, until a replay has copied them for it.
import type { Store } from '../../store/types.js'
import type { Resource } from './context.js'
import { answers } from './schemas.js'
import { Shapes } from './shapes/index.js'

/** How many of the range's last events are looked at to find its last original (not a replayed copy). */
const TAIL = 50

/** Whether the range's last original event has a replayed copy for this destination (a replay ran). */
async function replayed(
  store: Store,
  window: { from: number; to: number },
  range: { firstId: number; lastId: number },
  destinationId: string,
): Promise<boolean> {
  const tail = await store.listEvents({
    ...window,
    afterId: Math.max(range.firstId - 1, range.lastId - TAIL),
    lastId: range.lastId,
    limit: TAIL,
  })
  const last = tail[tail.length - 1]
  if (last === undefined) return true // only replayed copies there: nothing left to replay
  const copies = (await store.lookupEvent(last.messageId)).events.filter((e) => e.replayOf === last.id)
  return copies.some((c) => c.destinationId === null || c.destinationId === destinationId)
}

export const waitingEventsResource: Resource = (app, { store, delivery }) => {
  app.get(
    '/waiting-events',
    {
      schema: {
        summary:
          'Events that wait for a replay: received while a destination had no API key (or was disabled)',
        tags: ['events'],
        response: answers(200, Shapes.WaitingEventsList),
      },
    },
    async () => {
      const items = []
      for (const destination of delivery.destinations()) {
        const window = await delivery.missedWindow(destination.id)
        if (window === null) continue
        const range = await store.eventIdRange(window)
        if (range === null || (await replayed(store, window, range, destination.id))) continue
        items.push({
          destinationId: destination.id,
          name: destination.name,
          ...window,
          events: range.lastId - range.firstId + 1,
        })
      }
      return { items }
    },
  )
}
