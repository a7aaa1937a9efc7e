// Admin API, delivery side: test mapping (preview and send through the sandbox), mapping changes
// reaching the running router, delivery counts/attempts/queues, event lookup, dead letter inspect.
import { addDeadLetters } from '../helpers/dead-letters.js'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DATABASE_FILE } from '../../src/store/sqlite/open.js'
import { API_KEY, WRITE_KEY, createAdminHarness, waitFor, type AdminHarness } from './admin-helpers.js'

let h: AdminHarness
beforeAll(async () => {
  h = await createAdminHarness()
})
afterAll(async () => {
  await h?.close()
})

const A = '/api/admin'

interface TestResult {
  mapping: string
  mappingId: string | null
  matched: boolean
  payload: Record<string, unknown> | null
  validation: { ok: boolean; message?: string }
  requests: Array<{
    url: string
    path: string
    body: Record<string, unknown>
    headers: Record<string, string>
  }>
  responses?: Array<{ status: number; ok: boolean; body: unknown }>
}

const signedUp = (messageId: string, userId = 'user-1') => ({
  type: 'track',
  event: 'Signed Up',
  userId,
  messageId,
  properties: { plan: 'pro' },
})

describe('test mapping', () => {
  it('shows the payload and the requests of the matching mappings, without sending', async () => {
    const response = await h.api('POST', `${A}/test-mapping`, { event: signedUp('m-preview') })
    expect(response.status).toBe(200)
    const results = response.json.results as TestResult[]
    expect(results.map((r) => r.mapping)).toEqual(['Track Calls'])
    const [result] = results
    expect(result).toMatchObject({ matched: true, validation: { ok: true } })
    expect(result.payload).toMatchObject({
      userId: 'user-1',
      eventName: 'Signed Up',
      dataFields: { plan: 'pro' },
    })
    expect(result.requests).toHaveLength(1)
    expect(result.requests[0].url).toBe(`${h.sandbox.url}/api/events/track`)
    expect(result.requests[0].body).toMatchObject({ userId: 'user-1', eventName: 'Signed Up' })
    expect(result.requests[0].headers).not.toHaveProperty('api-key')
    expect(response.json.sent).toBe(false)
    expect(h.sandbox.stats.snapshot().endpoints).not.toHaveProperty(['/api/events/track'])
  })

  it('tests a draft (even when its trigger does not match) and reports validation failures', async () => {
    const draft = {
      trigger: 'event = "Other"',
      action: 'trackEvent',
      fields: { eventName: { '@path': '$.event' }, userId: { '@path': '$.properties.missing' } },
    }
    const response = await h.api('POST', `${A}/test-mapping`, { event: signedUp('m-draft'), mapping: draft })
    const [result] = response.json.results as TestResult[]
    expect(result.matched).toBe(false)
    expect(result.validation.ok).toBe(false)
    expect(result.validation.message).toMatch(/email|userId/)
    expect(result.requests).toEqual([])

    const badDraft = await h.api('POST', `${A}/test-mapping`, {
      event: signedUp('m-bad'),
      mapping: { ...draft, trigger: 'event = ' },
    })
    expect(badDraft.json.error).toMatchObject({ code: 'trigger_syntax', path: 'body.mapping.trigger' })
    const badEvent = await h.api('POST', `${A}/test-mapping`, { event: { type: 'track' } })
    expect(badEvent.status).toBe(400)
    expect(badEvent.json.error?.code).toBe('invalid_event')
  })

  it('sends through the Iterable client and returns the response, never the key', async () => {
    const [identify] = (await h.store.listMappings(h.destination.id)).filter(
      (m) => m.name === 'Identify Calls',
    )
    const response = await h.api('POST', `${A}/test-mapping`, {
      mappingId: identify.id,
      event: {
        type: 'identify',
        userId: 'user-sent',
        messageId: 'm-send',
        traits: { email: 'sent@example.com' },
      },
      send: true,
    })
    expect(response.status).toBe(200)
    expect(response.json.sent).toBe(true)
    const [result] = response.json.results as TestResult[]
    expect(result.requests[0].path).toBe('/api/users/update')
    expect(result.responses?.[0]).toMatchObject({ status: 200, ok: true, body: { code: 'Success' } })
    expect(h.sandbox.state.project().findByUserId('user-sent')).toBeDefined()
    expect(h.sandbox.stats.snapshot().endpoints).toHaveProperty(['/api/users/update'])
    expect(response.body).not.toContain(API_KEY)
    const user = await h.api('POST', `${A}/test-mapping`, {
      mappingId: 'does-not-exist',
      event: signedUp('x'),
    })
    expect(user.status).toBe(404)
  })
})

describe('test mapping against a refusing project', () => {
  it("returns Iterable's error answer and stops there", async () => {
    const wrongKey = 'not-a-sandbox-key-1234567890'
    const other = await h.store.createDestination({
      name: 'other',
      kind: 'iterable',
      settings: { dataCenterLocation: 'united_states' },
      apiKey: wrongKey,
      enabled: false,
    })
    const response = await h.api('POST', `${A}/test-mapping`, {
      destinationId: other.id,
      event: { type: 'identify', userId: 'u-401', messageId: 'm-401', traits: { email: 'new@example.com' } },
      mapping: {
        trigger: 'type = "identify"',
        action: 'updateUser',
        fields: { userId: { '@path': '$.userId' } },
      },
      send: true,
    })
    const [result] = response.json.results as TestResult[]
    expect(result.responses).toHaveLength(1)
    expect(result.responses?.[0]).toMatchObject({ status: 401, ok: false })
    expect(response.body).not.toContain(wrongKey)
    await h.store.deleteDestination(other.id)
  })
})

interface LookedUp {
  event: { event: string }
  outcomes: Array<{ outcome: string; mappingId: string }>
  mappingsWithOutcomes: string[]
  deliveries: Array<{
    mappingId: string | null
    mapping: string | null
    outcome: string
    sent: Array<{ method: string; url: string; body: Record<string, unknown> }> | null
    requests: Array<{ endpoint: string; status: number | null }>
    notSent?: boolean
    errorMessage?: string | null
  }>
  replanned: { note: string } | null
}

/** What the admin API says happened to each item of an event. */
async function deliveriesOf(messageId: string): Promise<LookedUp['deliveries']> {
  const answer = await h.api('GET', `${A}/events/${messageId}`)
  if (answer.status !== 200) return []
  return (answer.json.items as LookedUp[]).flatMap((e) => e.deliveries)
}

describe('event lookup of a queued event', () => {
  it('lists the mappings whose items still wait, with what they will send', async () => {
    const q = await createAdminHarness()
    try {
      // Delivery stopped: the event waits in the log, behind the cursor.
      await q.delivery.stop()
      const sent = await q.app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: { authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}` },
        payload: { userId: 'waiting-1', event: 'Waited', messageId: 'queued-1' },
      })
      expect(sent.statusCode).toBe(200)
      const looked = await q.api('GET', `${A}/events/queued-1`)
      const [entry] = looked.json.items as LookedUp[]
      expect(entry.outcomes).toEqual([])
      expect(entry.mappingsWithOutcomes).toHaveLength(1)
      expect(entry.deliveries).toEqual([
        expect.objectContaining({
          mapping: 'Track Calls',
          outcome: 'queued',
          sent: [expect.objectContaining({ body: expect.objectContaining({ eventName: 'Waited' }) })],
        }),
      ])
      const byUser = await q.api('GET', `${A}/events?userId=waiting-1`)
      expect((byUser.json.items as LookedUp[])[0].deliveries[0].outcome).toBe('queued')
    } finally {
      await q.close()
    }
  })
})

describe('routing, deliveries, events', () => {
  it('routes through a mapping created over the API at once, and stops when it is disabled', async () => {
    const created = await h.api('POST', `${A}/mappings`, {
      action: 'trackEvent',
      name: 'Signed Up only',
      trigger: 'type = "track" and event = "Signed Up"',
      fields: {
        userId: { '@path': '$.userId' },
        eventName: 'signup',
        dataFields: { '@path': '$.properties' },
      },
    })
    expect(created.status).toBe(201)
    const id = created.json.id as string
    expect(await h.track(signedUp('route-1'))).toBe(200)
    await waitFor(async () =>
      (await deliveriesOf('route-1')).some((d) => d.mappingId === id && d.outcome === 'delivered'),
    )

    await h.api('POST', `${A}/mappings/${id}/disable`)
    expect(await h.track(signedUp('route-2'))).toBe(200)
    await waitFor(async () => (await deliveriesOf('route-2')).some((d) => d.outcome === 'delivered'))
    expect((await deliveriesOf('route-2')).filter((d) => d.mappingId === id)).toEqual([])

    const list = (await h.api('GET', `${A}/mappings`)).json.items as Array<{
      id: string
      counts: { delivered: number }
    }>
    expect(list.find((m) => m.id === id)?.counts.delivered).toBe(1)
  })

  it('counts outcomes in time buckets, lists outcomes, attempts without the key, and queues', async () => {
    const counts = await h.api('GET', `${A}/deliveries/counts?bucketMs=60000&from=${Date.now() - 3_600_000}`)
    expect(counts.status).toBe(200)
    expect((counts.json.totals as { delivered: number }).delivered).toBeGreaterThanOrEqual(3)
    const items = counts.json.items as Array<{
      bucketStart: number
      mappingId: string
      action: string
      outcome: string
    }>
    expect(items.every((i) => i.bucketStart % 60000 === 0)).toBe(true)
    expect(items.some((i) => i.action === 'trackEvent' && i.outcome === 'delivered')).toBe(true)
    const badRange = await h.api('GET', `${A}/deliveries/counts?bucketMs=1000&from=0`)
    expect(badRange.json.error).toMatchObject({ code: 'validation_failed', path: 'querystring.bucketMs' })
    const badTime = await h.api('GET', `${A}/deliveries/counts?from=yesterday-ish`)
    expect(badTime.json.error?.path).toBe('querystring.from')

    // Delivered items leave a counter, not a line: the outcome log lists what went wrong.
    const outcomes = await h.api('GET', `${A}/deliveries/outcomes?outcome=delivered&limit=2`)
    expect(outcomes.json.items).toEqual([])

    const attempts = await h.api('GET', `${A}/deliveries/attempts?limit=10`)
    const list = attempts.json.items as Array<{
      endpoint: string
      request: { body: unknown }
      response: { status: number }
    }>
    expect(list.length).toBeGreaterThan(0)
    expect(list[0].response.status).toBe(200)
    expect(
      list.some(
        (a) =>
          JSON.stringify(a.request.body).includes('route-1') ||
          JSON.stringify(a.request.body).includes('signup'),
      ),
    ).toBe(true)
    expect(attempts.body).not.toContain(API_KEY)

    const queues = await h.api('GET', `${A}/queues`)
    expect(queues.status).toBe(200)
    expect(queues.json.totalDepth).toBe(0)
    expect(Array.isArray(queues.json.items)).toBe(true)

    // SQLite: one process, no heartbeat; the cluster's queue is the destination's.
    const cluster = await h.api('GET', `${A}/cluster`)
    expect(cluster.status).toBe(200)
    expect(cluster.json).toMatchObject({ nodes: [], totalDepth: 0, leaseMs: 15_000 })
    expect(cluster.json.self).toMatch(/^node-/)
    expect((cluster.json.queues as { endpoint: string }[]).map((q) => q.endpoint)).toContain('log')
  })

  it('looks an event up by messageId and by user: per mapping, what was sent and the outcome', async () => {
    const byId = await h.api('GET', `${A}/events/route-1`)
    expect(byId.status).toBe(200)
    const [entry] = byId.json.items as LookedUp[]
    expect(entry.event.event).toBe('Signed Up')
    expect(entry.outcomes).toEqual([])
    expect(entry.mappingsWithOutcomes.length).toBeGreaterThanOrEqual(1)
    // What was sent, even though "Signed Up only" is disabled now (routed with the event's revision).
    const signup = entry.deliveries.find((d) => d.mapping === 'Signed Up only')
    expect(signup).toMatchObject({ outcome: 'delivered', action: 'trackEvent', statusCode: 200 })
    expect(signup?.sent).toHaveLength(1)
    expect(signup?.sent?.[0]).toMatchObject({
      method: 'POST',
      url: expect.stringMatching(new RegExp(`^${h.sandbox.url}/api/events/track`)),
      body: { userId: 'user-1', eventName: 'signup', dataFields: { plan: 'pro' } },
    })
    // And the request that carried it.
    expect(signup?.requests).toEqual([
      expect.objectContaining({ endpoint: expect.stringMatching(/^\/api\/events\/track/), status: 200 }),
    ])
    expect(entry.deliveries.find((d) => d.mapping === 'Track Calls')?.sent?.[0].body).toMatchObject({
      eventName: 'Signed Up',
    })
    expect(entry.replanned).toBeNull()

    // An event whose configuration revision is gone (received before revisions existed): routed
    // with the current mappings, and said so.
    const db = new Database(path.join(h.dir, DATABASE_FILE))
    db.prepare("UPDATE events SET revision = 0 WHERE message_id = 'route-2'").run()
    db.close()
    const [old] = (await h.api('GET', `${A}/events/route-2`)).json.items as LookedUp[]
    expect(old.replanned?.note).toMatch(/current mappings/)
    // The "Signed Up only" mapping is disabled now; Track Calls still matches.
    expect(old.deliveries.map((d) => d.mapping)).toEqual(['Track Calls'])

    const recent = await h.api('GET', `${A}/recent-events?limit=5`)
    const recentIds = (recent.json.items as Array<{ messageId: string; event: { type: string } }>).map(
      (e) => e.messageId,
    )
    expect(recentIds).toEqual(expect.arrayContaining(['route-1', 'route-2']))
    expect(recentIds.length).toBeLessThanOrEqual(5)
    expect(new Set(recentIds).size).toBe(recentIds.length)

    const byUser = await h.api('GET', `${A}/events?userId=user-1`)
    const ids = (byUser.json.items as Array<{ messageId: string }>).map((i) => i.messageId)
    expect(ids).toEqual(expect.arrayContaining(['route-1', 'route-2']))
    expect((await h.api('GET', `${A}/events`)).json.error?.code).toBe('validation_failed')
    const missing = await h.api('GET', `${A}/events/never-seen`)
    expect(missing.status).toBe(404)
    expect(missing.json.error?.message).toMatch(/never-seen/)
  })

  it('inspects a dead letter and replays it', async () => {
    await addDeadLetters(h.store, h.destination.id, [
      {
        messageId: 'dead-1',
        reason: 'Iterable said no',
        code: 'BAD_PARAMS',
        payload: JSON.stringify({ path: '/api/events/track', body: { eventName: 'x' } }),
      },
    ])
    const page = await h.api('GET', `${A}/dead-letters`)
    const [letter] = (page.json as unknown as { items: Array<{ id: number }> }).items
    const one = await h.api('GET', `${A}/dead-letters/${letter.id}`)
    expect(one.json).toMatchObject({
      id: letter.id,
      reason: 'Iterable said no',
      code: 'BAD_PARAMS',
      payload: { path: '/api/events/track', body: { eventName: 'x' } },
      event: null,
    })
    expect((await h.api('GET', `${A}/dead-letters/999999`)).status).toBe(404)
    expect((await h.api('GET', `${A}/dead-letters/abc`)).json.error).toMatchObject({
      code: 'validation_failed',
      path: 'params.id',
    })
    const replayed = await h.api('POST', `${A}/dead-letters/replay`, { ids: [letter.id] })
    expect(replayed.json).toEqual({ replayed: 1 })
  })

  it('shows the pause after a 401 from Iterable and lifts it when the key is fixed', async () => {
    const url = `${A}/destinations/${h.destination.id}`
    await h.api('PATCH', url, { settings: { apiKey: 'wrong-key-for-the-sandbox-0000' } })
    expect(await h.track(signedUp('paused-1', 'user-paused'))).toBe(200)
    await waitFor(async () => (await h.api('GET', url)).json.state === 'paused')
    const paused = await h.api('GET', url)
    expect(paused.json.paused).toMatchObject({ reason: expect.any(String), since: expect.any(Number) })
    expect((await h.api('GET', `${A}/destinations`)).json.items).toEqual([
      expect.objectContaining({ state: 'paused' }),
    ])

    const fixed = await h.api('PATCH', url, { settings: { apiKey: API_KEY } })
    expect(fixed.json).toMatchObject({ state: 'delivering', paused: null })
    await waitFor(async () => (await deliveriesOf('paused-1')).some((d) => d.outcome === 'delivered'))
    const pausedUser = await h.api('GET', `${A}/events?userId=user-paused`)
    expect((pausedUser.json.items as Array<{ messageId: string }>).map((e) => e.messageId)).toEqual([
      'paused-1',
    ])
  })

  it('returns trigger warnings on save', async () => {
    const created = await h.api('POST', `${A}/mappings`, {
      preset: 'Track Calls',
      name: 'mixed',
      enabled: false,
      trigger: 'type = "track" and event = "A" or event = "B"',
    })
    expect(created.status).toBe(201)
    expect(created.json.warnings).toEqual([expect.stringMatching(/mixed without parentheses/)])
    await h.api('DELETE', `${A}/mappings/${created.json.id as string}`)
  })

  it('lookup says an item kept back for a field type Iterable refused earlier was not sent, and when; a replay sends it', async () => {
    const upgraded = (messageId: string, userId: string, plan: unknown) => ({
      type: 'track',
      event: 'Upgraded',
      userId,
      messageId,
      properties: { plan },
    })
    const settled = async (messageId: string) =>
      (await deliveriesOf(messageId)).some((d) => d.outcome === 'delivered' || d.outcome === 'dead')
    for (const [messageId, userId, plan] of [
      ['ft-1', 'ft-a', 3],
      ['ft-2', 'ft-b', 'gold'],
      ['ft-3', 'ft-c', 'silver'],
    ] as const) {
      expect(await h.track(upgraded(messageId, userId, plan))).toBe(200)
      await waitFor(() => settled(messageId))
    }
    const track = (list: LookedUp['deliveries']) => list.find((d) => d.mapping === 'Track Calls')
    // Refused by Iterable itself: the request went out.
    const refused = track(await deliveriesOf('ft-2'))
    expect(refused).toMatchObject({ outcome: 'dead', notSent: false })
    expect(refused?.requests.map((r) => r.status)).toContain(400)
    // Kept back: no request, and the lookup says so with the time of Iterable's refusal.
    const keptBack = track(await deliveriesOf('ft-3'))
    expect(keptBack).toMatchObject({ outcome: 'dead', notSent: true, requests: [] })
    expect(keptBack?.errorMessage).toMatch(
      /^Not sent: Iterable refused this field type at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\. Field 'plan'/,
    )
    expect(track(await deliveriesOf('ft-1'))).toMatchObject({ outcome: 'delivered', notSent: false })

    // Replaying it sends it (Iterable refuses it again, for itself): the lookup shows that request.
    const letters = (await h.api('GET', `${A}/dead-letters?code=RequestFieldsTypesMismatched`)).json
      .items as Array<{ id: number; messageId: string }>
    const letter = letters.find((l) => l.messageId === 'ft-3')!
    expect((await h.api('POST', `${A}/dead-letters/replay`, { ids: [letter.id] })).json).toEqual({
      replayed: 1,
    })
    await waitFor(async () => (track(await deliveriesOf('ft-3'))?.requests.length ?? 0) > 0)
    await waitFor(async () => track(await deliveriesOf('ft-3'))?.outcome === 'dead')
    const replayed = track(await deliveriesOf('ft-3'))
    expect(replayed).toMatchObject({ outcome: 'dead', notSent: false })
    expect(replayed?.requests.map((r) => r.status)).toEqual([400])
  })

  it('never returned the API key', () => {
    for (const body of h.bodies) expect(body).not.toContain(API_KEY)
  })
})
