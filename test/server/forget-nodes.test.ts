// Forgetting on several nodes (PostgreSQL): the forgotten set lives in the store; a user forgotten
// through one node's admin API is kept out by every node's ingest by the time the call answers —
// however slowly the other node notices (it records the revision it holds and the forget waits for
// it); a node that never catches up makes the forget fail before anything is deleted or sent.
import { pino } from 'pino'
import { afterEach, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'
import { describeWithPostgres, dropSchema, findPostgres, freshSchemaName } from '../helpers/postgres.js'

const postgres = await findPostgres()
const KEY = 'forget-nodes-key'
const TOKEN = 'forget-nodes-admin-token'

let nodes: RunningService[] = []
let sandbox: RunningSandbox | undefined
let cleanup: (() => Promise<void>) | undefined
afterEach(async () => {
  for (const node of nodes) await node.close(2000)
  nodes = []
  await sandbox?.close()
  await cleanup?.()
})

describeWithPostgres('forgetting a user on two nodes', postgres, (url) => {
  it('node B drops the user’s events as soon as node A’s forget answers', async () => {
    const schema = freshSchemaName('forget_nodes')
    cleanup = () => dropSchema(url, schema)
    sandbox = await startSandbox({
      port: 0,
      rateLimits: false,
      projects: [{ type: 'hybrid', apiKeys: [KEY] }],
    })
    const start = (configWatchMs?: number) =>
      startService({
        port: 0,
        host: '127.0.0.1',
        databaseUrl: url,
        databaseSchema: schema,
        secretKey: 'cd'.repeat(32),
        iterableUrl: sandbox!.url,
        apiKey: KEY,
        adminToken: TOKEN,
        writeKey: 'wk-forget-nodes',
        logger: pino({ level: 'silent' }),
        delivery: { pollMs: 50, rateLimits: false },
        ...(configWatchMs !== undefined ? { configWatchMs } : {}),
      })
    const a = await start()
    // B notices changes only every 6 s: a forget that waited a fixed time would answer before B
    // keeps the user out.
    const b = await start(6000)
    nodes = [a, b]
    const forget = await a.app.inject({
      method: 'POST',
      url: '/api/admin/users/forget',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { userId: 'hal' },
    })
    expect(forget.json()).toMatchObject({ outcome: 'succeeded' })
    expect(b.delivery.forgotten.size).toBe(1)
    const sent = await b.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: 'Basic ' + Buffer.from('wk-forget-nodes:').toString('base64') },
      payload: {
        batch: [
          { type: 'track', userId: 'hal', event: 'E', messageId: 'hal-1' },
          { type: 'track', userId: 'ivy', event: 'E', messageId: 'ivy-1' },
        ],
      },
    })
    expect(sent.statusCode).toBe(200)
    expect((await b.store.recentEvents(10)).map((e) => e.messageId)).toEqual(['ivy-1'])
  })

  it('a node that does not catch up makes the forget fail with 503 nodes_behind: nothing deleted, Iterable not called', async () => {
    const schema = freshSchemaName('forget_behind')
    cleanup = () => dropSchema(url, schema)
    sandbox = await startSandbox({
      port: 0,
      rateLimits: false,
      projects: [{ type: 'hybrid', apiKeys: [KEY] }],
    })
    const start = (configWatchMs?: number) =>
      startService({
        port: 0,
        host: '127.0.0.1',
        databaseUrl: url,
        databaseSchema: schema,
        secretKey: 'cd'.repeat(32),
        iterableUrl: sandbox!.url,
        apiKey: KEY,
        adminToken: TOKEN,
        writeKey: 'wk-forget-nodes',
        logger: pino({ level: 'silent' }),
        // A 3 s lease: heartbeats every second, and the forget gives up after 6 s.
        delivery: { pollMs: 50, rateLimits: false, leaseMs: 3000 },
        ...(configWatchMs !== undefined ? { configWatchMs } : {}),
      })
    const a = await start()
    // B is alive (it heartbeats) but does not read the configuration within the test.
    const b = await start(3_600_000)
    nodes = [a, b]
    const ingest = await a.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { authorization: 'Basic ' + Buffer.from('wk-forget-nodes:').toString('base64') },
      payload: { userId: 'hal', event: 'Kept', messageId: 'hal-kept' },
    })
    expect(ingest.statusCode).toBe(200)
    const forget = await a.app.inject({
      method: 'POST',
      url: '/api/admin/users/forget',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { userId: 'hal' },
    })
    expect(forget.statusCode).toBe(503)
    const error = forget.json<{ error: { code: string; message: string } }>().error
    expect(error.code).toBe('nodes_behind')
    expect(error.message).toContain(b.delivery.nodeId)
    expect(error.message).toContain('Iterable was not called')
    expect(sandbox.state.project().forgottenUserIds.has('hal')).toBe(false)
    expect((await a.store.lookupEvent('hal-kept')).events).toHaveLength(1)
    // A keeps the user out already.
    expect(a.delivery.forgotten.size).toBe(1)
  })
})
