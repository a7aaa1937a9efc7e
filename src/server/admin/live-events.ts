// GET /live-events: new events as server-sent events while the client reads, filtered here (source,
// type, event name) so the stream stays small. Authenticated like every admin route (a header, so
// the UI reads it with fetch instead of EventSource, and the token never appears in a URL).
import { Type, type Static } from '@sinclair/typebox'
import type { LiveFilter } from '../live/live-event.js'
import type { LiveEventHub } from '../live/live-hub.js'
import { sseFrame } from '../live/live-listener.js'
import type { Resource } from './context.js'
import { answers } from './schemas.js'

const LiveQuery = Type.Object({
  source: Type.Optional(Type.String({ minLength: 1, description: 'Only events of this source id' })),
  type: Type.Optional(
    Type.Union(
      ['track', 'identify', 'page', 'screen', 'group', 'alias'].map((t) => Type.Literal(t)),
      { description: 'Only events of this type' },
    ),
  ),
  event: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Only events whose name contains this (any case)',
    }),
  ),
})

/** The stream's frames, for the description (the body is `text/event-stream`, not JSON). */
const STREAM_DESCRIPTION =
  'A text/event-stream of frames `event: NAME` + `data: JSON`: `ready` (LiveReady) once, then `event` ' +
  '(LiveEvent) per new matching event and `missed` (LiveMissed) when events were dropped because the client ' +
  'read too slowly (or the service fell behind the log); `error` (LiveError) when the log cannot be read (the ' +
  'stream then ends); a `: keep-alive` comment every 15 s. The data shapes are in components.schemas.'

/** 200 is a stream, not JSON: its frames' data are the shared schemas LiveReady, LiveEvent … */
const STREAM_ANSWERS = {
  ...answers(200, Type.String()),
  200: {
    description: 'Server-sent events',
    content: { 'text/event-stream': { schema: Type.String({ description: STREAM_DESCRIPTION }) } },
  },
}

export function liveEventsResource(hub: LiveEventHub): Resource {
  return (app) => {
    app.get<{ Querystring: Static<typeof LiveQuery> }>(
      '/live-events',
      {
        schema: {
          summary: 'New events as they arrive (server-sent events), filtered by source, type and name',
          description: STREAM_DESCRIPTION,
          tags: ['events'],
          querystring: LiveQuery,
          response: STREAM_ANSWERS,
        },
      },
      async (request, reply) => {
        const { source, type, event } = request.query
        const filter: LiveFilter = {
          ...(source !== undefined ? { sourceId: source } : {}),
          ...(type !== undefined ? { type } : {}),
          ...(event !== undefined ? { name: event } : {}),
        }
        const raw = reply.raw
        reply.hijack()
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-accel-buffering': 'no',
        })
        let unsubscribe: () => void
        try {
          unsubscribe = await hub.subscribe(filter, raw)
        } catch (error) {
          // The headers are out: the failure goes in the stream, and the client may try again.
          request.log.warn({ err: error }, 'live events: the event log could not be read')
          raw.end(
            sseFrame('error', {
              code: 'store_unavailable',
              message: 'The stored events log cannot be read now; try again in a moment.',
            }),
          )
          return
        }
        // The client may have gone while the hub started.
        if (raw.destroyed) return unsubscribe()
        raw.once('close', unsubscribe)
        raw.write(sseFrame('ready', { filter }))
      },
    )
  }
}
