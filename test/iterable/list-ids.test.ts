// The list ids by name of syncAudience events without a list id (src/iterable/client/list-ids.ts),
// with a real client against the sandbox: an existing list is found, a missing one created once
// (concurrent lookups share it), later lookups hit the cache, and a failed lookup is not cached.
import { afterEach, describe, expect, it } from 'vitest'
import { IterableClient, ListIds, LISTS_PATH, type ListRequest } from '../../src/iterable/client/index.js'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'

let sandbox: RunningSandbox | undefined
let client: IterableClient | undefined
afterEach(async () => {
  await client?.close()
  client = undefined
  await sandbox?.close()
  sandbox = undefined
})

async function setUp(lists: Array<{ id: number; name: string; listType: 'Standard' }> = []) {
  sandbox = await startSandbox({ port: 0, rateLimits: false, projects: [{ type: 'hybrid', lists }] })
  client = new IterableClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url })
  const sent: string[] = []
  const c = client
  const request: ListRequest = (method, body) => {
    sent.push(method)
    return c.send({ method, path: LISTS_PATH, body })
  }
  return { sent, request }
}

describe('ListIds', () => {
  it('finds an existing list by its exact name, then answers from the cache', async () => {
    const { sent, request } = await setUp([
      { id: 8, name: 'VIP', listType: 'Standard' },
      { id: 9, name: 'vip', listType: 'Standard' },
    ])
    const ids = new ListIds()
    expect(await ids.resolve('vip', request)).toEqual({ listId: 9 })
    expect(await ids.resolve('vip', request)).toEqual({ listId: 9 })
    expect(sent).toEqual(['GET'])
  })

  it('creates a missing list once, even for concurrent lookups', async () => {
    const { sent, request } = await setUp()
    const ids = new ListIds()
    const answers = await Promise.all([ids.resolve('new', request), ids.resolve('new', request)])
    expect(answers).toEqual([{ listId: 1 }, { listId: 1 }])
    expect(sent).toEqual(['GET', 'POST'])
    expect(sandbox!.state.project().createdLists.map((l) => l.name)).toEqual(['new'])
  })

  it('a failed lookup answers the outcome and is not cached', async () => {
    const { sent, request } = await setUp()
    const ids = new ListIds()
    sandbox!.setFaults({ outageSeconds: 60 })
    const failed = await ids.resolve('later', request)
    expect(failed).toMatchObject({ failed: { policy: 'retry', status: 503 } })
    sandbox!.setFaults({ outageSeconds: 0 })
    expect(await ids.resolve('later', request)).toEqual({ listId: 1 })
    expect(sent).toEqual(['GET', 'GET', 'POST'])
  })

  it('an answer without "lists" is a retryable LIST_ANSWER_MALFORMED', async () => {
    const ids = new ListIds()
    const answer = { status: 200, body: {}, headers: {}, durationMs: 1 }
    const outcome = { kind: 'success', policy: 'deliver', code: 'OK', status: 200, message: '' } as const
    const result = await ids.resolve('x', () => Promise.resolve({ ...answer, outcome }))
    expect(result).toMatchObject({ failed: { code: 'LIST_ANSWER_MALFORMED', policy: 'retry' } })
  })
})
