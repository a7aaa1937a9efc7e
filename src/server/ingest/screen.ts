// Screening prepared events before they are stored: the events of forgotten users are dropped
// (accepted, stored as nothing) or refused (rejected, said in the answer). The verdict comes from
// the caller (`IngestOptions.screen`); the ingest layer only applies it.
import { IngestError } from './errors.js'
import type { ScreenVerdict } from './options.js'
import type { PreparedEvents } from './prepare.js'
import { MAX_LISTED_REJECTIONS } from './rejections.js'

export const FORGOTTEN_USER_MESSAGE =
  'the user of this event is forgotten (right to be forgotten): its events are refused'

/**
 * The prepared events less those screened out. A single event that is refused is a 403; in a
 * batch, refused events are listed with the other rejections (by index).
 */
export function screenPrepared(
  prepared: PreparedEvents,
  screen: (event: PreparedEvents['events'][number]) => ScreenVerdict,
  single: boolean,
): PreparedEvents {
  const verdicts = prepared.events.map(screen)
  if (verdicts.every((v) => v === 'keep')) return prepared
  if (single && verdicts[0] === 'refuse') throw new IngestError(403, 'forgotten_user', FORGOTTEN_USER_MESSAGE)
  const out: PreparedEvents = {
    events: [],
    sizes: [],
    indices: [],
    rejected: [...prepared.rejected],
    rejectedCount: prepared.rejectedCount,
  }
  verdicts.forEach((verdict, i) => {
    const event = prepared.events[i]
    if (verdict === 'keep') {
      out.events.push(event)
      out.sizes.push(prepared.sizes[i])
      out.indices.push(prepared.indices[i])
    } else if (verdict === 'refuse') {
      out.rejectedCount++
      if (out.rejected.length < MAX_LISTED_REJECTIONS)
        out.rejected.push({
          index: prepared.indices[i],
          messageId: event.messageId,
          error: FORGOTTEN_USER_MESSAGE,
        })
    }
  })
  out.rejected.sort((a, b) => a.index - b.index)
  return out
}
