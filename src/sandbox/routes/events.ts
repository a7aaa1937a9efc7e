// events/track and events/trackBulk.

import { BodyCheck } from '../body-check.js'
import { BulkResult } from '../bulk-result.js'
import { addRejected } from '../context.js'
import type { Fields } from '../data-fields.js'
import { EventWriteBatch } from '../event-writes.js'
import type { EventInput } from '../event-writes.js'
import { failureError } from '../identity.js'
import { arrayLength } from './route.js'
import type { HandlerInput, RouteDef } from './route.js'

function readEvent(check: BodyCheck, o: Fields, path: string): EventInput {
  return {
    eventName: check.string(o, 'eventName', path, true) as string,
    email: check.string(o, 'email', path),
    userId: check.string(o, 'userId', path),
    id: check.string(o, 'id', path),
    createdAt: check.number(o, 'createdAt', path, false, true),
    dataFields: check.object(o, 'dataFields', path),
    campaignId: check.number(o, 'campaignId', path, false, true),
    templateId: check.number(o, 'templateId', path, false, true),
  }
}

function track(input: HandlerInput): unknown {
  const { ctx } = input
  const check = new BodyCheck(input.route)
  const body = check.root(input.body)
  const event = readEvent(check, body, 'obj')
  check.boolean(body, 'createNewFields', 'obj')
  check.done()
  const batch = new EventWriteBatch(ctx)
  const vetted = batch.vet(event)
  if (vetted === 'disallowed') {
    // Observed: a disallowed name still answers code "Success".
    ctx.tally.rejected.disallowedEventNames = 1
    return { msg: `Event name ${event.eventName} is disallowed from tracking`, code: 'Success', params: null }
  }
  if (!vetted.ok) throw failureError(vetted)
  batch.finish()
  const stored = batch.apply(vetted)
  if (!stored.ok) {
    if (ctx.behaviour.unknownUserTrack === 'drop' && stored.kind.startsWith('notFound')) {
      ctx.tally.rejected[stored.kind] = 1
      const id = event.id ?? ''
      return { msg: `Event with id: ${id} tracked.`, code: 'Success', params: { id } }
    }
    throw failureError(stored)
  }
  ctx.tally.accepted++
  return {
    msg: `Event with id: ${stored.event.id} tracked.`,
    code: 'Success',
    params: { id: stored.event.id },
  }
}

function trackBulk(input: HandlerInput): unknown {
  const { ctx } = input
  const check = new BodyCheck(input.route)
  const body = check.root(input.body)
  const events = check.objects(body, 'events', 'obj', true)
  const inputs = events.map((e, i) => readEvent(check, e, `obj.events[${i}]`))
  check.done()
  const batch = new EventWriteBatch(ctx)
  const result = new BulkResult()
  const vetted = inputs.map((e) => batch.vet(e))
  batch.finish()
  for (let i = 0; i < vetted.length; i++) {
    const v = vetted[i]
    if (v === 'disallowed') {
      result.disallowed(inputs[i].eventName)
      continue
    }
    if (!v.ok) {
      result.add(v)
      continue
    }
    const stored = batch.apply(v)
    if (stored.ok) result.successCount++
    else result.add(stored)
  }
  ctx.tally.accepted += result.successCount
  addRejected(ctx.tally, result.reasons)
  return result.eventsBody(batch.createdFields(), [])
}

export const eventRoutes: RouteDef[] = [
  { method: 'POST', path: '/api/events/track', ratePerSecond: 2000, handler: track },
  {
    method: 'POST',
    path: '/api/events/trackBulk',
    ratePerSecond: 10,
    bulk: true,
    countItems: arrayLength('events'),
    handler: trackBulk,
  },
]
