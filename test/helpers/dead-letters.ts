// Dead letters written the way delivery writes them (a flush of its progress), for tests of the
// dead-letter API and CLI that need some without running a failing delivery.
import type { NewDeadLetter, Store } from '../../src/store/index.js'

let nextEventId = 1_000_000

export async function addDeadLetters(
  store: Store,
  destinationId: string,
  letters: (Partial<NewDeadLetter> & { messageId: string; code: string; reason: string })[],
): Promise<void> {
  const owner = 'test-dead-letters'
  await store.openDelivery(destinationId, owner, { leaseMs: 60_000, force: true })
  const now = Date.now()
  await store.commitProgress(destinationId, owner, {
    deadLetters: letters.map((letter) => ({
      eventId: nextEventId++,
      ordinal: 0,
      mappingId: null,
      action: 'trackEvent',
      lane: '/api/events/track',
      keys: [],
      payload: JSON.stringify({
        path: '/api/events/track',
        body: { eventName: 'Viewed', id: letter.messageId },
      }),
      attempts: 1,
      firstEnqueuedAt: now,
      lastError: letter.reason,
      statusCode: 400,
      deadAt: now,
      ...letter,
    })),
  })
  await store.closeDelivery(destinationId, owner)
}
