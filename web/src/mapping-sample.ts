// The mapping editor's sample event: the newest stored event the trigger matches
// (GET /recent-events?trigger=), else the built-in sample of the trigger's type.
import { get, query } from './api'
import { formatTime } from './format'
import { builtInSample } from './sample-event'
import type { RecentEvent } from './types'

export interface EditorSample {
  event: Record<string, unknown>
  /** Where it comes from, in words. */
  origin: string
  stored: boolean
}

export async function matchingSample(trigger: string): Promise<EditorSample> {
  try {
    const { items } = await get<{ items: RecentEvent[] }>(`/recent-events${query({ limit: 1, trigger })}`)
    const [newest] = items
    if (newest !== undefined) {
      return {
        event: newest.event,
        origin: `The newest stored event this trigger matches: ${newest.messageId}, received ${formatTime(newest.receivedAt)}.`,
        stored: true,
      }
    }
  } catch {
    // A trigger that does not parse yet (shown under the trigger): the built-in sample will do.
  }
  const event = builtInSample(trigger)
  return {
    event,
    origin: `No recent stored event matches this trigger: a built-in ${String(event.type)} sample.`,
    stored: false,
  }
}
