// The group-id choices of Update Subscriptions (issue 16 item 1) through the admin API: fetched from
// Iterable (the sandbox) with the destination's key, labelled as Segment's dynamic field labels them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_KEY, createAdminHarness, type AdminHarness } from './admin-helpers.js'

let h: AdminHarness
beforeAll(async () => {
  h = await createAdminHarness()
})
afterAll(async () => {
  await h?.close()
})

const url = (type?: string) =>
  `/api/admin/destinations/${h.destination.id}/subscription-groups${type === undefined ? '' : `?type=${type}`}`

describe('GET /destinations/:id/subscription-groups', () => {
  it('channels, message types and lists, by name and kind, valued by id', async () => {
    const channels = await h.api('GET', url('messageChannel'))
    expect(channels.status).toBe(200)
    expect(channels.json.items).toContainEqual({ label: 'Marketing Email (Email - Marketing)', value: '1' })
    expect((await h.api('GET', url('messageType'))).json.items).toContainEqual({
      label: 'Product Updates (OptIn)',
      value: '12',
    })
    expect((await h.api('GET', url('emailList'))).json.items).toEqual([])
    expect(h.bodies.some((b) => b.includes(API_KEY))).toBe(false)
  })

  it("a missing or unknown type is a 400 with Segment's message", async () => {
    const missing = await h.api('GET', url())
    expect(missing.status).toBe(400)
    expect(missing.json.error).toMatchObject({
      code: 'missing_group_type',
      message: "Select a 'Subscription Group Type' first.",
    })
    const unknown = await h.api('GET', url('segment'))
    expect(unknown.status).toBe(400)
    expect(unknown.json.error?.message).toBe('Unknown subscription group type: segment')
  })

  it('an unknown destination is a 404', async () => {
    expect(
      (await h.api('GET', '/api/admin/destinations/nope/subscription-groups?type=emailList')).status,
    ).toBe(404)
  })
})
