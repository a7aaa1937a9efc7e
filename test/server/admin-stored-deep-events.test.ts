// Events stored before the depth limit existed may nest thousands of levels deep (issue 14 stored
// them through /v1/batch). No admin answer may fail with a 500 because of one: event lookup (by
// messageId and by user) and recent events show the event with its deepest parts replaced by a note;
// test mapping refuses such an event with a 400 that names the limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOKEN, createAdminHarness, waitFor, type AdminHarness } from './admin-helpers.js'

const A = '/api/admin'
const LEVELS = 6_000
const deepEvent = (messageId: string): string =>
  `{"type":"track","event":"Deep","userId":"deep-user","messageId":"${messageId}",` +
  `"properties":{"x":${'['.repeat(LEVELS)}${']'.repeat(LEVELS)}}}`

let h: AdminHarness

beforeAll(async () => {
  h = await createAdminHarness()
  const [source] = await h.store.listSources()
  // As /v1/batch stored it before the limit: the event's own text, in the log like any other.
  await h.store.ingest({
    sourceId: source.id,
    receivedAt: Date.now(),
    revision: h.delivery.revision,
    events: [
      {
        messageId: 'deep-1',
        body: deepEvent('deep-1'),
        size: deepEvent('deep-1').length,
        userKey: 'deep-user',
      },
    ],
  })
  h.delivery.wakeAll()
})
afterAll(() => h.close())

/** How deep `value` nests, and the string found at the bottom of `properties.x`. */
function bottomOf(value: unknown): { levels: number; leaf: unknown } {
  let levels = 0
  let node = value
  while (Array.isArray(node)) {
    levels++
    node = node[0]
  }
  return { levels, leaf: node }
}

describe('admin answers about an event stored too deep to write out', () => {
  it.each([
    ['event lookup by messageId', `${A}/events/deep-1`],
    ['event lookup by user', `${A}/events?userId=deep-user`],
    ['recent events', `${A}/recent-events`],
  ])('%s answers 200, the deepest parts replaced by a note', async (_name, url) => {
    const answer = await h.api('GET', url)
    expect(answer.status).toBe(200)
    const items = answer.json.items as Array<{ messageId: string; event: { properties: { x: unknown } } }>
    const item = items.find((i) => i.messageId === 'deep-1')
    expect(item).toBeDefined()
    const { levels, leaf } = bottomOf(item!.event.properties.x)
    expect(leaf).toMatch(/^\[not shown: nested deeper than \d+ levels\]$/)
    expect(levels).toBeGreaterThan(60)
    expect(levels).toBeLessThan(LEVELS)
  })

  it('test mapping refuses the event with a 400 naming the limit, never a 500', async () => {
    const raw = await h.app.inject({
      method: 'POST',
      url: `${A}/test-mapping`,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      payload: `{"event":${deepEvent('deep-1')}}`,
    })
    expect(raw.statusCode).toBe(400)
    expect(raw.json()).toMatchObject({ error: { code: 'too_deep' } })
    // What the UI would send after picking it from recent events.
    const recent = await h.api('GET', `${A}/recent-events`)
    const shown = (recent.json.items as Array<{ messageId: string; event: unknown }>).find(
      (i) => i.messageId === 'deep-1',
    )
    const picked = await h.api('POST', `${A}/test-mapping`, { event: shown!.event })
    expect(picked.status).toBe(400)
    expect(picked.json.error?.message).toMatch(/nested deeper than the limit of 65 levels/)
  })
})

describe('delivery of an event stored too deep to send', () => {
  it('refuses its items (a failed outcome that says why) instead of retrying them forever', async () => {
    await waitFor(async () => (await h.store.lookupEvent('deep-1')).outcomes.length > 0)
    const { outcomes } = await h.store.lookupEvent('deep-1')
    // The mapping cannot copy a value nested that deep: routing refuses it, with the reason.
    expect(outcomes.map((o) => o.outcome)).toEqual(['failed'])
    expect(outcomes[0].errorMessage).toMatch(/call stack|could not be turned into a request/)
  })
})
