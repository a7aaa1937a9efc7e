// The live-events stream filtered by source over real HTTP: with two write keys sending, a stream for
// one source shows only that source's events (the hub reads every new event; the filter is the
// server's).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createAdminHarness, TOKEN, waitFor, WRITE_KEY, type AdminHarness } from './admin-helpers.js'

let h: AdminHarness
let base: string

beforeAll(async () => {
  h = await createAdminHarness()
  base = await h.app.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => h.close())

async function track(writeKey: string, messageId: string): Promise<void> {
  const response = await fetch(`${base}/v1/track`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ userId: 'live-src', event: 'Clicked', messageId }),
  })
  expect(response.status).toBe(200)
}

it('shows only the events of the chosen source', async () => {
  const other = await h.store.createSource({ name: 'live other', writeKey: 'wk_live_other_source_1' })
  const abort = new AbortController()
  const response = await fetch(`${base}/api/admin/live-events?source=${encodeURIComponent(other.id)}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
    signal: abort.signal,
  })
  expect(response.status).toBe(200)
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  const readUntil = async (needle: string): Promise<void> => {
    while (!text.includes(needle)) {
      const { value, done } = await reader.read()
      if (done) throw new Error(`stream ended before ${needle}`)
      text += decoder.decode(value, { stream: true })
    }
  }
  await readUntil('event: ready')
  await track(WRITE_KEY, 'live-web-1')
  await track('wk_live_other_source_1', 'live-other-1')
  await track(WRITE_KEY, 'live-web-2')
  await track('wk_live_other_source_1', 'live-other-2')
  await readUntil('live-other-2')
  const ids = [...text.matchAll(/"messageId":"([^"]+)"/g)].map((m) => m[1])
  // The web events came between and around them: a filter that let them through would list them.
  expect(ids).toEqual(['live-other-1', 'live-other-2'])
  await waitFor(async () => (await h.store.recentEvents(10)).length === 4)
  abort.abort()
})
