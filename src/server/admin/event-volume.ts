// GET /event-volume: how many events arrived over the last minutes (default the last hour), by
// source and by event name, from the stored events log. Bounded: at most MAX_SCANNED events are read;
// a larger range is sampled in evenly spaced pages across its ids and the counts scaled (`estimated`).
import { Type, type Static } from '@sinclair/typebox'
import type { Store, StoredEvent } from '../../store/types.js'
import type { Resource } from './context.js'
import { liveEventOf } from '../live/live-event.js'
import { answers } from './schemas.js'
import { Shapes } from './shapes/index.js'

export type Volume = Static<typeof Shapes.EventVolume>

const PAGE = 500
const MAX_SCANNED = 10_000
const TOP = 15

const VolumeQuery = Type.Object({
  minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, default: 60 })),
})

class Tally {
  readonly bySource = new Map<string, number>()
  readonly byEvent = new Map<string, { type: string; name: string | null; count: number }>()
  scanned = 0

  add(events: readonly StoredEvent[]): void {
    for (const stored of events) {
      const event = liveEventOf(stored)
      this.scanned++
      this.bySource.set(event.sourceId, (this.bySource.get(event.sourceId) ?? 0) + 1)
      const key = `${event.type}\u0000${event.name ?? ''}`
      const entry = this.byEvent.get(key) ?? { type: event.type, name: event.name, count: 0 }
      entry.count++
      this.byEvent.set(key, entry)
    }
  }
}

/** Reads the whole range (small) or evenly spaced pages of it; returns the scale of what was read. */
async function tallyRange(
  store: Store,
  range: { from: number; to: number; firstId: number; lastId: number },
  maxScanned: number,
): Promise<{ tally: Tally; scale: number }> {
  const { from, to, firstId, lastId } = range
  const tally = new Tally()
  const span = lastId - firstId + 1
  if (span <= maxScanned) {
    let afterId = firstId - 1
    for (;;) {
      const page = await store.listEvents({ from, to, afterId, lastId, limit: PAGE })
      tally.add(page)
      if (page.length < PAGE) return { tally, scale: 1 }
      afterId = page[page.length - 1].id
    }
  }
  // Each page stands for the ids it covered; scaling by ids covered allows for gaps and replays.
  const pages = Math.max(1, Math.floor(maxScanned / PAGE))
  let covered = 0
  for (let k = 0; k < pages; k++) {
    const afterId = firstId - 1 + Math.floor((k * span) / pages)
    const page = await store.listEvents({ from, to, afterId, lastId, limit: PAGE })
    tally.add(page)
    const end = page.length < PAGE ? lastId : page[page.length - 1].id
    covered += end - afterId
  }
  return { tally, scale: covered > 0 ? span / covered : 1 }
}

export async function eventVolume(
  store: Store,
  minutes: number,
  now = Date.now(),
  maxScanned = MAX_SCANNED,
): Promise<Volume> {
  const from = now - minutes * 60_000
  const to = now + 1
  const range = await store.eventIdRange({ from, to })
  const empty: Volume = {
    from,
    to,
    total: 0,
    estimated: false,
    scanned: 0,
    bySource: [],
    byEvent: [],
    otherEvents: 0,
  }
  if (range === null) return empty
  const { tally, scale } = await tallyRange(store, { from, to, ...range }, maxScanned)
  const scaled = (n: number): number => Math.round(n * scale)
  const names = new Map((await store.listSources()).map((s) => [s.id, s.name]))
  const byEvent = [...tally.byEvent.values()].sort((a, b) => b.count - a.count)
  const top = byEvent.slice(0, TOP)
  return {
    ...empty,
    total: scaled(tally.scanned),
    estimated: scale !== 1,
    scanned: tally.scanned,
    bySource: [...tally.bySource.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([sourceId, count]) => ({ sourceId, name: names.get(sourceId) ?? null, count: scaled(count) })),
    byEvent: top.map((e) => ({ ...e, count: scaled(e.count) })),
    otherEvents: scaled(byEvent.slice(TOP).reduce((sum, e) => sum + e.count, 0)),
  }
}

export const eventVolumeResource: Resource = (app, { store }) => {
  app.get<{ Querystring: Static<typeof VolumeQuery> }>(
    '/event-volume',
    {
      schema: {
        summary: 'Events received over the last minutes (default 60) by source and by event name',
        tags: ['events'],
        querystring: VolumeQuery,
        response: answers(200, Shapes.EventVolume),
      },
    },
    async (request) => eventVolume(store, request.query.minutes ?? 60),
  )
}
