// Dead-letter triage over real HTTP: the list pages through every dead letter with the total (no cap),
// alike ones are grouped by code, reason and field (a field type Iterable refused, from a real
// delivery to the sandbox) and a group is discarded as one; a dead letter shows the request it sends
// to Iterable; events a mapping could not build a request for are listed with their message.
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDeadLetters } from '../helpers/dead-letters.js'
import { TOKEN, createAdminHarness, waitFor, type AdminHarness } from './admin-helpers.js'

let h: AdminHarness
let base: string

beforeAll(async () => {
  h = await createAdminHarness()
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}/api/admin`
}, 60_000)
afterAll(async () => {
  await h?.close()
})

async function call(method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(base + route, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  return { status: response.status, json: await response.json() }
}

/** Every event read past and nothing parked: what was sent is settled. */
async function settled(): Promise<boolean> {
  return (await h.store.deliveryStats()).every(
    (s) => s.behind === 0 && s.lanes.every((l) => l.retrying + l.held === 0),
  )
}

const upgraded = (messageId: string, userId: string, plan: unknown) => ({
  type: 'track',
  event: 'Upgraded',
  userId,
  messageId,
  properties: { plan },
})

describe('dead-letter triage', { timeout: 60_000 }, () => {
  it('groups by field the dead letters of a field type Iterable refused, with the request they send', async () => {
    // plan is a number first; Iterable then refuses a text (ft-2), and ft-3 is kept back for it.
    for (const [messageId, userId, plan] of [
      ['ft-1', 'ft-a', 3],
      ['ft-2', 'ft-b', 'gold'],
      ['ft-3', 'ft-c', 'silver'],
    ] as const) {
      expect(await h.track(upgraded(messageId, userId, plan))).toBe(200)
      await waitFor(settled) // one after the other: ft-1 first teaches Iterable the field's type
    }
    await waitFor(async () => (await call('GET', '/dead-letters?field=plan')).json.total === 2)
    const groups = (await call('GET', '/dead-letters/groups?field=plan')).json
    expect(groups.total).toBe(2)
    expect(groups.items).toHaveLength(2) // Iterable's refusal, and the one kept back for it
    for (const group of groups.items) {
      expect(group).toMatchObject({
        destination: h.destination.id,
        action: 'trackEvent',
        code: 'RequestFieldsTypesMismatched',
        field: 'plan',
        count: 1,
      })
      expect(group.reason).toMatch(/Field 'plan'/)
    }

    // The request it sends: its item of a trackBulk body, as Iterable receives it.
    const [letter] = (await call('GET', '/dead-letters?field=plan&limit=1')).json.items
    const shown = (await call('GET', `/dead-letters/${letter.id}`)).json
    expect(shown.field).toBe('plan')
    expect(shown.sent).toEqual([
      {
        method: 'POST',
        url: `${h.sandbox.url}/api/events/trackBulk`,
        bulkItemOf: 'events',
        body: expect.objectContaining({
          eventName: 'Upgraded',
          userId: 'ft-b',
          dataFields: { plan: 'gold' },
        }),
      },
    ])

    // A group is discarded as one; a malformed group is refused with where and why.
    const [first] = groups.items
    const discarded = await call('POST', '/dead-letters/discard', { group: first })
    expect(discarded.json).toEqual({ discarded: 1 })
    expect((await call('GET', '/dead-letters?field=plan')).json.total).toBe(1)
    const bad = await call('POST', '/dead-letters/replay', { group: { ...first, code: 7 } })
    expect(bad).toMatchObject({
      status: 400,
      json: { error: { code: 'invalid_group', path: 'body.group.code' } },
    })
  })

  it('pages through every dead letter with the total, and replays a whole group', async () => {
    const before = (await call('GET', '/dead-letters')).json.total as number
    await addDeadLetters(
      h.store,
      h.destination.id,
      Array.from({ length: 257 }, (_, i) => ({
        messageId: `many-${i}`,
        code: i % 3 === 0 ? 'HTTP_503' : 'BadParams',
        reason: i % 3 === 0 ? 'retry window exceeded' : 'Invalid email',
      })),
    )
    const first = (await call('GET', '/dead-letters?limit=100')).json
    expect(first.total).toBe(before + 257)
    const seen = new Set<number>()
    let page = first
    for (;;) {
      for (const item of page.items) seen.add(item.id)
      if (page.nextCursor === null) break
      page = (await call('GET', `/dead-letters?limit=100&after=${page.nextCursor}`)).json
      expect(page.total).toBe(first.total)
    }
    expect(seen.size).toBe(first.total)

    const groups = (await call('GET', '/dead-letters/groups?code=HTTP_503')).json
    expect(groups).toMatchObject({ total: 86, items: [{ code: 'HTTP_503', count: 86, field: null }] })
    const replayed = await call('POST', '/dead-letters/replay', { group: groups.items[0] })
    expect(replayed.json).toEqual({ replayed: 86 })
    expect((await call('GET', '/dead-letters?code=HTTP_503')).json.total).toBe(0)
    expect((await call('GET', '/dead-letters?code=BadParams')).json.total).toBe(171)
  })

  it('lists events a mapping could not build a request for, with the message', async () => {
    // Track Calls needs a userId or an email: this event has neither.
    expect(
      await h.track({ type: 'track', event: 'Anonymous', anonymousId: 'anon-1', messageId: 'no-user' }),
    ).toBe(200)
    await waitFor(async () =>
      ((await call('GET', '/deliveries/outcomes?outcome=failed')).json.items as { messageId: string }[]).some(
        (o) => o.messageId === 'no-user',
      ),
    )
    const failed = (await call('GET', '/deliveries/outcomes?outcome=failed')).json.items.find(
      (o: { messageId: string }) => o.messageId === 'no-user',
    )
    expect(failed.errorMessage).toMatch(/email|userId/)
  })
})
