// commerce/updateCart (sets shoppingCartItems on the profile) and commerce/trackPurchase
// (stores the purchase, readable through GET events, and clears the cart).

import { badParams } from '../api-error.js'
import { BodyCheck } from '../body-check.js'
import { SUCCESS } from '../context.js'
import type { Fields } from '../data-fields.js'
import { generateEventId } from '../event-writes.js'
import type { EventRecord } from '../state.js'
import { readUserInput, writeOneUser } from './users.js'
import type { HandlerInput, RouteDef } from './route.js'

function readItems(check: BodyCheck, body: Fields): Fields[] {
  const items = check.objects(body, 'items', 'obj', true)
  items.forEach((item, i) => {
    const path = `obj.items[${i}]`
    check.string(item, 'id', path, true)
    check.string(item, 'name', path, true)
    check.number(item, 'price', path, true)
    check.number(item, 'quantity', path, true, true)
    check.string(item, 'sku', path)
    check.string(item, 'description', path)
    check.array(item, 'categories', path)
    check.string(item, 'imageUrl', path)
    check.string(item, 'url', path)
    check.object(item, 'dataFields', path)
  })
  return items
}

function updateCart(input: HandlerInput): unknown {
  const { project, now } = input.ctx
  const check = new BodyCheck(input.route)
  const body = check.root(input.body)
  const userObj = check.object(body, 'user', 'obj', true)
  const items = readItems(check, body)
  const userInput = userObj === undefined ? {} : readUserInput(check, userObj, 'obj.user')
  check.done()
  const user = writeOneUser(input, userInput, undefined)
  user.dataFields.shoppingCartItems = items
  project.touch(user, now)
  input.ctx.tally.accepted++
  return SUCCESS
}

function trackPurchase(input: HandlerInput): unknown {
  const { project, behaviour, now } = input.ctx
  const check = new BodyCheck(input.route)
  const body = check.root(input.body)
  const userObj = check.object(body, 'user', 'obj', true)
  const items = readItems(check, body)
  const total = check.number(body, 'total', 'obj', true)
  const id = check.string(body, 'id', 'obj')
  const createdAt = check.number(body, 'createdAt', 'obj', false, true)
  const dataFields = check.object(body, 'dataFields', 'obj')
  const campaignId = check.number(body, 'campaignId', 'obj', false, true)
  const templateId = check.number(body, 'templateId', 'obj', false, true)
  const userInput = userObj === undefined ? {} : readUserInput(check, userObj, 'obj.user')
  check.done()
  if (id !== undefined && Buffer.byteLength(id) > 512) throw badParams('Purchase id longer than 512 bytes')
  const user = writeOneUser(input, userInput, undefined)
  const purchase: EventRecord = {
    seq: project.nextEventSeq++,
    eventType: 'purchase',
    id: id ?? generateEventId(),
    createdAt: createdAt ?? Math.floor(now / 1000),
    dataFields,
    campaignId,
    templateId,
    items,
    total,
    owner: user,
  }
  project.putEvent(purchase, behaviour)
  delete user.dataFields.shoppingCartItems
  project.touch(user, now)
  input.ctx.tally.accepted++
  // ⚠ The real success text is not captured; this mirrors events/track.
  return { msg: `Purchase with id: ${purchase.id} tracked.`, code: 'Success', params: { id: purchase.id } }
}

export const commerceRoutes: RouteDef[] = [
  { method: 'POST', path: '/api/commerce/updateCart', ratePerSecond: 500, handler: updateCart },
  { method: 'POST', path: '/api/commerce/trackPurchase', ratePerSecond: 500, handler: trackPurchase },
]
