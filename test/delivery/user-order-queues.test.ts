// The user queues by themselves: who may be sent, who follows whom in a bulk body, who is released
// when an item finishes, and which items may pass an item that waits for its user to exist.
import { describe, expect, it } from 'vitest'
import type { ItemPayload } from '../../src/delivery/item.js'
import { UserOrder } from '../../src/delivery/user-order.js'
import { WorkItem } from '../../src/delivery/work-item.js'

let nextEventId = 1

function item(keys: string[], payload: Partial<ItemPayload> = {}): WorkItem {
  const eventId = nextEventId++
  const full: ItemPayload = { path: '/api/events/track', body: { eventId }, ...payload }
  return new WorkItem(
    eventId,
    0,
    eventId,
    `m${eventId}`,
    'map',
    'trackEvent',
    full.path,
    keys,
    full,
    0,
    0,
    0,
    false,
  )
}

const identify = (keys: string[]) => item(keys, { path: '/api/users/update', createsUser: true })

describe('UserOrder', () => {
  it("an item is first when no earlier item holds one of its keys; other users' items are free", () => {
    const order = new UserOrder()
    const a1 = item(['u:a'])
    const b1 = item(['u:b'])
    const a2 = item(['u:a', 'e:a@example.com'])
    const byEmail = item(['e:a@example.com'])
    expect(order.add(a1)).toBe(true)
    expect(order.add(b1)).toBe(true)
    expect(order.add(a2)).toBe(false)
    // Only the email links it to the user: it waits behind a2, which holds that email too.
    expect(order.add(byEmail)).toBe(false)
    expect(order.remove(a1)).toEqual([a2])
    expect(order.remove(a2)).toEqual([byEmail])
    expect(order.users).toBe(2)
  })

  it('an email change holds the old and the new email: items of either wait behind it', () => {
    const order = new UserOrder()
    const change = item(['u:a', 'e:old@example.com', 'e:new@example.com'])
    const oldMail = item(['e:old@example.com'])
    const newMail = item(['e:new@example.com'])
    order.add(change)
    expect(order.add(oldMail)).toBe(false)
    expect(order.add(newMail)).toBe(false)
    expect(order.remove(change).sort((x, y) => x.eventId - y.eventId)).toEqual([oldMail, newMail])
  })

  it('a bulk body may take the next item only when every earlier item of its users is in the body and has no follow-ups', () => {
    const order = new UserOrder()
    const first = item(['u:a'])
    const second = item(['u:a'])
    const withFollowUp = item(['u:b'], {
      followUps: [{ method: 'POST', path: '/api/users/updateEmail', body: { currentUserId: 'b' } }],
    })
    const afterFollowUp = item(['u:b'])
    for (const x of [first, second, withFollowUp, afterFollowUp]) order.add(x)
    expect(order.firstAfter(second, new Set())).toBe(false)
    expect(order.firstAfter(second, new Set([first]))).toBe(true)
    // The updateEmail goes only after the body's answer: the user's next item must wait for it.
    expect(order.firstAfter(afterFollowUp, new Set([withFollowUp]))).toBe(false)
  })

  it('an item waiting for its user lets only items that create users pass; the others stay behind it', () => {
    const order = new UserOrder()
    const early = item(['e:a@example.com'])
    const later = item(['e:a@example.com'])
    const create = identify(['u:a', 'e:a@example.com'])
    const afterCreate = item(['u:a', 'e:a@example.com'])
    for (const x of [early, later, create, afterCreate]) order.add(x)
    expect(order.isFirst(create)).toBe(false)
    early.waitingForUser = true
    expect(order.passing(early)).toEqual([])
    // `later` (not waiting itself) is still ahead of the identify.
    later.waitingForUser = true
    expect(order.passing(early)).toEqual([create])
    expect(order.isFirst(later)).toBe(false)
    expect(order.isFirst(afterCreate)).toBe(false)
    // The identify finishes: nothing new is first (both custom events still wait, in order).
    expect(order.remove(create)).toEqual([])
    // The first custom event is delivered: the second is next; afterCreate still waits for it.
    expect(order.remove(early)).toEqual([later])
    expect(order.remove(later)).toEqual([afterCreate])
  })

  it('when an item waiting for its user finishes, an identify already let through is not released twice', () => {
    const order = new UserOrder()
    const waiting = item(['e:b@example.com'])
    const create = identify(['e:b@example.com'])
    const next = item(['e:b@example.com'])
    for (const x of [waiting, create, next]) order.add(x)
    waiting.waitingForUser = true
    expect(order.passing(waiting)).toEqual([create])
    // remove() returns the items that are first now; the caller releases only those still waiting.
    expect(order.remove(waiting)).toEqual([create])
    expect(order.remove(create)).toEqual([next])
  })
})
