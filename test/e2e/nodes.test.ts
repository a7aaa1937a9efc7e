// Several nodes for real: three built `serve` processes on the local PostgreSQL (each test in a
// schema of its own) and ONE sandbox with Iterable's rate limits on that all of them send to. A node
// killed with SIGKILL mid-load (nothing lost, its delivery taken over within the lease, measured),
// the shared budget (429s at most 1% of bulk requests), each user's order across nodes, and a node
// added and one removed while events flow. Needs `npm run build` and the test PostgreSQL.
import { request } from 'undici'
import type { ClusterView } from '../../src/server/admin/shapes/cluster.js'
import { afterEach, expect, it } from 'vitest'
import {
  describeWithPostgres,
  dropSchema,
  findPostgres,
  freshSchemaName,
  withClient,
} from '../helpers/postgres.js'
import {
  basicAuth,
  itemsOf,
  requireBuild,
  sleep,
  startRecordingSandbox,
  startServe,
  waitUntil,
  type RecordingSandbox,
  type ServeProcess,
} from './e2e-helpers.js'

const WRITE_KEY = 'wk_nodes_test'
const ADMIN_TOKEN = 'nodes-test-admin-token'
const API_KEY = 'nodes_test_api_key_0123456789abcd'
const SECRET_KEY = 'ef'.repeat(32)
/** The default lease (docs/serve.md): a dead node's delivery is taken over within it (+ a poll). */
const LEASE_MS = 15_000
const USERS = 40

const postgres = await findPostgres()

interface Cluster {
  schema: string
  sandbox: RecordingSandbox
  nodes: ServeProcess[]
  start(): Promise<ServeProcess>
}

/** messageId → seq, user of every event acknowledged (200), in the order they were acknowledged. */
interface Sent {
  seq: number
  user: string
  messageId: string
}

describeWithPostgres('serve: three nodes on one PostgreSQL', postgres, (url) => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function cluster(): Promise<Cluster> {
    requireBuild()
    const schema = freshSchemaName('nodes_e2e')
    const sandbox = await startRecordingSandbox(API_KEY, { rateLimits: true })
    const nodes: ServeProcess[] = []
    cleanups.push(async () => {
      await Promise.all(nodes.map((node) => node.stop()))
      await sandbox.close()
      await dropSchema(url, schema)
    })
    const start = async (): Promise<ServeProcess> => {
      const node = await startServe({
        writeKey: WRITE_KEY,
        apiKey: API_KEY,
        iterableUrl: sandbox.url,
        adminToken: ADMIN_TOKEN,
        extraArgs: ['--database-url', url, '--database-schema', schema, '--secret-key', SECRET_KEY],
        // Three nodes start on a machine the rest of the suite keeps busy.
        readyTimeoutMs: 120_000,
      })
      nodes.push(node)
      return node
    }
    return { schema, sandbox, nodes, start }
  }

  const query = <R>(sql: string): Promise<R[]> =>
    withClient(url, async (client) => (await client.query(sql)).rows as R[])

  /** The nodes that hold destination leases now (by the pids the nodes table records). */
  async function owners(c: Cluster): Promise<ServeProcess[]> {
    const rows = await query<{ pid: number }>(
      `SELECT DISTINCT n.pid FROM "${c.schema}".delivery_cursors d JOIN "${c.schema}".nodes n ON n.id = d.owner
       WHERE d.lease_until > ${Date.now()}`,
    )
    return c.nodes.filter((node) => rows.some((r) => r.pid === node.child.pid))
  }

  const ownerOf = async (c: Cluster): Promise<ServeProcess | undefined> => (await owners(c))[0]

  /** Posts `count` events, `perRequest` per request, one request after the other (so each user's events are in the log in seq order), round robin over `targets()`. */
  async function postInOrder(
    targets: () => ServeProcess[],
    load: { count: number; perRequest: number; spreadMs: number; prefix?: string },
    sent: Sent[],
    onRequest?: (n: number) => Promise<void>,
  ): Promise<void> {
    const { count, perRequest, spreadMs, prefix = '' } = load
    const requests = Math.ceil(count / perRequest)
    const started = Date.now()
    for (let r = 0; r < requests; r++) {
      await onRequest?.(r)
      const live = targets()
      const node = live[r % live.length]
      const batch: Sent[] = []
      for (let i = r * perRequest; i < Math.min(count, (r + 1) * perRequest); i++)
        batch.push({ seq: i, user: `${prefix}user-${i % USERS}`, messageId: `${prefix}m-${i}` })
      const response = await request(`${node.url}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY) },
        body: JSON.stringify({
          batch: batch.map((e) => ({
            type: 'track',
            userId: e.user,
            event: 'Nodes',
            messageId: e.messageId,
            properties: { seq: e.seq },
          })),
        }),
      })
      const text = await response.body.text()
      expect(response.statusCode, text).toBe(200)
      sent.push(...batch)
      const due = started + ((r + 1) * spreadMs) / requests
      if (due > Date.now()) await sleep(due - Date.now())
    }
  }

  /** Custom events the sandbox answered 200 for, in the order it answered them: messageId, seq, user. */
  function delivered(sandbox: RecordingSandbox): { messageId: string; seq: number; user: string }[] {
    const out: { messageId: string; seq: number; user: string }[] = []
    for (const recorded of sandbox.requests) {
      if (recorded.status !== 200) continue
      for (const { action, item } of itemsOf(recorded)) {
        if (action !== 'trackEvent') continue
        const fields = item.dataFields as { seq: number }
        out.push({ messageId: String(item.id), seq: fields.seq, user: String(item.userId) })
      }
    }
    return out
  }

  /**
   * Every acknowledged event delivered; each user's events first delivered in their order (one
   * destination); the count of repeats.
   */
  function checkDelivery(c: Cluster, sent: Sent[], order = true): { repeats: number } {
    const got = delivered(c.sandbox)
    const firstSeen = new Set<string>()
    const lastSeq = new Map<string, number>()
    const outOfOrder: string[] = []
    for (const d of got) {
      if (firstSeen.has(d.messageId)) continue
      firstSeen.add(d.messageId)
      // A user's event is delivered for the first time only after every earlier one of theirs.
      if ((lastSeq.get(d.user) ?? -1) > d.seq)
        outOfOrder.push(`${d.user}: ${d.seq} after ${lastSeq.get(d.user)}`)
      lastSeq.set(d.user, Math.max(lastSeq.get(d.user) ?? -1, d.seq))
    }
    expect(sent.filter((e) => !firstSeen.has(e.messageId)).map((e) => e.messageId)).toEqual([])
    if (order) expect(outOfOrder).toEqual([])
    return { repeats: got.length - firstSeen.size }
  }

  async function everyEventDelivered(c: Cluster, sent: Sent[]): Promise<void> {
    await waitUntil(
      'every event delivered',
      () => {
        const ids = new Set(delivered(c.sandbox).map((d) => d.messageId))
        return sent.every((e) => ids.has(e.messageId))
      },
      90_000,
    )
  }

  async function clusterOf(node: ServeProcess): Promise<ClusterView> {
    const response = await request(`${node.url}/api/admin/cluster`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    const text = await response.body.text()
    expect(response.statusCode, text).toBe(200)
    return JSON.parse(text) as ClusterView
  }

  function bulk429Share(sandbox: RecordingSandbox): { bulk: number; throttled: number } {
    const bulk = sandbox.requests.filter((r) => r.path.endsWith('Bulk') || r.path.endsWith('bulkUpdate'))
    return { bulk: bulk.length, throttled: bulk.filter((r) => r.status === 429).length }
  }

  it(
    'shares one Iterable budget: 5,000 events to three nodes and three destinations of one project, at most 1% of bulk requests answered 429',
    { timeout: 300_000 },
    async () => {
      const c = await cluster()
      for (let n = 0; n < 3; n++) await c.start()
      // Two more destinations of the same project, applied on a node that does not deliver: it
      // must leave them to the node delivering the project.
      const owner = await ownerOf(c)
      const other = c.nodes.find((node) => node !== owner) as ServeProcess
      const applied = await request(`${other.url}/api/admin/config`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          destinations: ['iterable', 'same-project-1', 'same-project-2'].map((name) => ({
            name,
            settings: { apiKey: API_KEY },
          })),
        }),
      })
      expect(applied.statusCode, await applied.body.text()).toBe(200)
      await waitUntil(
        'the three destinations to be delivered',
        async () =>
          (await query(`SELECT 1 FROM "${c.schema}".delivery_cursors WHERE lease_until > ${Date.now()}`))
            .length === 3,
        20_000,
      )
      // One node delivers all three destinations: the project's limiter lives in one process.
      expect(await owners(c)).toEqual([owner])
      // 5,000 events in 50-event requests over 8 s, round robin over the nodes, three requests at a
      // time (each sender with users of its own, so each user's events are in the log in order).
      const sent: Sent[] = []
      await Promise.all(
        [0, 1, 2].map((lane) =>
          postInOrder(
            () => [c.nodes[lane], c.nodes[(lane + 1) % 3], c.nodes[(lane + 2) % 3]],
            { count: lane === 0 ? 1668 : 1666, perRequest: 50, spreadMs: 8000, prefix: `s${lane}-` },
            sent,
          ),
        ),
      )
      expect(sent.length).toBe(5000)
      await waitUntil(
        'every event delivered',
        () => delivered(c.sandbox).length >= 3 * sent.length,
        180_000,
      ).catch(async (error: Error) => {
        const { bulk, throttled } = bulk429Share(c.sandbox)
        const held = (await owners(c)).length
        throw new Error(
          `${error.message}: ${delivered(c.sandbox).length} of ${3 * sent.length} items delivered, ` +
            `${throttled} of ${bulk} bulk requests answered 429, ${held} node(s) delivering`,
        )
      })
      checkDelivery(c, sent, false)
      const { bulk, throttled } = bulk429Share(c.sandbox)
      console.log(`shared budget: ${throttled} of ${bulk} bulk requests answered 429`)
      expect(bulk).toBeGreaterThan(0)
      expect(throttled / bulk).toBeLessThanOrEqual(0.01)
    },
  )

  it(
    'takes a killed node’s delivery over within the lease: nothing lost, each user in order',
    { timeout: 300_000 },
    async () => {
      const c = await cluster()
      for (let n = 0; n < 3; n++) await c.start()
      const sent: Sent[] = []
      let victim: ServeProcess | undefined
      let killedAt = 0
      await postInOrder(
        () => c.nodes.filter((node) => node !== victim),
        { count: 5000, perRequest: 50, spreadMs: 8000 },
        sent,
        async (r) => {
          if (r !== 50) return
          // Halfway: the node delivering (the lease holder) is killed; posts go to the others.
          victim = await ownerOf(c)
          expect(victim).toBeDefined()
          await victim?.kill9()
          killedAt = Date.now()
        },
      )
      const lastAck = Date.now()
      let takenOverAt = 0
      await waitUntil(
        'another node to take the delivery over',
        async () => {
          const owner = await ownerOf(c)
          if (owner === undefined || owner === victim) return false
          takenOverAt = Date.now()
          return true
        },
        LEASE_MS + 10_000,
      )
      await everyEventDelivered(c, sent)
      const emptiedAt = Date.now()
      // Any node reports the whole cluster: the killed node dead (its heartbeat older than the
      // lease), the node that took over alive and delivering, the queue of the destination.
      const survivor = c.nodes.find((node) => node !== victim) as ServeProcess
      const view = await clusterOf(survivor)
      const byPid = new Map(view.nodes.map((n) => [n.pid, n]))
      expect(byPid.get(victim?.child.pid as number)).toMatchObject({ alive: false, owns: [] })
      const taker = await ownerOf(c)
      expect(byPid.get(taker?.child.pid as number)).toMatchObject({ alive: true })
      expect(byPid.get(taker?.child.pid as number)?.owns).toHaveLength(1)
      expect(view.queues.map((q) => q.endpoint)).toContain('log')
      expect(view.queues.every((q) => q.owner === byPid.get(taker?.child.pid as number)?.id)).toBe(true)
      const metrics = await (await request(`${survivor.url}/metrics`)).body.text()
      expect(metrics).toContain('iterable_actions_cluster_nodes{state="dead"} 1')
      expect(metrics).toContain('iterable_actions_cluster_nodes{state="alive"} 2')
      const { repeats } = checkDelivery(c, sent)
      const { bulk, throttled } = bulk429Share(c.sandbox)
      console.log(
        `takeover ${takenOverAt - killedAt} ms after SIGKILL (lease ${LEASE_MS} ms); queue empty ` +
          `${emptiedAt - lastAck} ms after the last acknowledgement; ${repeats} events sent again; ` +
          `${throttled} of ${bulk} bulk requests answered 429`,
      )
      expect(takenOverAt - killedAt).toBeLessThanOrEqual(LEASE_MS + 3000)
      expect(throttled / bulk).toBeLessThanOrEqual(0.01)
    },
  )

  it(
    'keeps delivering while a node is added and the delivering one stops (none lost, none twice)',
    { timeout: 300_000 },
    async () => {
      const c = await cluster()
      for (let n = 0; n < 2; n++) await c.start()
      const sent: Sent[] = []
      const leaving: ServeProcess[] = []
      let added: ServeProcess | undefined
      await postInOrder(
        () => c.nodes.filter((node) => !leaving.includes(node)),
        { count: 3000, perRequest: 30, spreadMs: 10_000 },
        sent,
        async (r) => {
          if (r === 30) added = await c.start()
          if (r === 60) {
            // The delivering node shuts down gracefully: its lease is given up, not left to expire.
            const owner = await ownerOf(c)
            expect(owner).toBeDefined()
            leaving.push(owner as ServeProcess)
            await (owner as ServeProcess).stop()
          }
        },
      )
      await everyEventDelivered(c, sent)
      expect(added).toBeDefined()
      const { repeats } = checkDelivery(c, sent)
      expect(repeats).toBe(0)
      const owner = await ownerOf(c)
      expect(owner).toBeDefined()
      expect(leaving).not.toContain(owner)
      // The stopped node left the nodes table; the added one is there.
      const pids = (await query<{ pid: number }>(`SELECT pid FROM "${c.schema}".nodes`)).map((r) => r.pid)
      expect(pids).not.toContain(leaving[0].child.pid)
      expect(pids).toContain(added?.child.pid)
    },
  )
})
