// `serve` on PostgreSQL: two built `serve` processes (node dist/cli/index.js) on one database schema
// and one sandbox, events posted to both. Every event is delivered once, no job goes out from both
// nodes; and the command-line errors of the PostgreSQL options. Needs `npm run build` and the test
// PostgreSQL (test/helpers/postgres.ts; under CI=true a missing server fails the test).
import { spawn } from 'node:child_process'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  describeWithPostgres,
  dropSchema,
  findPostgres,
  freshSchemaName,
  withClient,
} from '../helpers/postgres.js'
import { REPO_ROOT } from '../helpers/shared.js'
import {
  basicAuth,
  cleanEnv,
  CLI,
  itemsOf,
  requireBuild,
  startRecordingSandbox,
  startServe,
  waitUntil,
  type RecordingSandbox,
  type ServeProcess,
} from './e2e-helpers.js'

const WRITE_KEY = 'wk_serve_postgres_test'
const ADMIN_TOKEN = 'serve-postgres-admin-token'
const API_KEY = 'serve_postgres_api_key_0123456789'
const SECRET_KEY = 'ab'.repeat(32)
/** Never printed: the tests look for it in every output. */
const PASSWORD = 'pw-never-shown-42'

const postgres = await findPostgres()

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** `node dist/cli/index.js serve …` with only the given environment for the service's variables. */
function serveCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
      cwd: REPO_ROOT,
      env: { ...cleanEnv(), ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.once('error', reject)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

describe('serve: PostgreSQL options on the command line', () => {
  beforeAll(() => requireBuild())
  const withPassword = `postgres://someone:${PASSWORD}@127.0.0.1:5432/test`

  it('refuses PostgreSQL without a secret key, saying what the key is (exit 2)', async () => {
    const run = await serveCli(['--database-url', withPassword])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('needs --secret-key or SECRET_KEY')
    expect(run.stderr).toContain('64 hex characters or base64 of 32 bytes')
    expect(run.stderr + run.stdout).not.toContain(PASSWORD)
  })

  it('refuses a malformed secret key without repeating it (exit 2)', async () => {
    const key = 'not-a-key-' + 'x'.repeat(20)
    const run = await serveCli([], { DATABASE_URL: withPassword, SECRET_KEY: key })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--secret-key (SECRET_KEY) is malformed')
    expect(run.stderr).not.toContain(key)
    expect(run.stderr + run.stdout).not.toContain(PASSWORD)
  })

  it('refuses conflicting options (exit 2)', async () => {
    const data = await serveCli([
      '--database-url',
      withPassword,
      '--secret-key',
      SECRET_KEY,
      '--data',
      '/tmp/x',
    ])
    expect(data.code).toBe(2)
    expect(data.stderr).toContain(
      '--data (DATA_DIR) is the SQLite data folder and conflicts with --database-url',
    )
    expect(data.stderr).not.toContain(PASSWORD)

    const keyWithoutDatabase = await serveCli(['--secret-key', SECRET_KEY])
    expect(keyWithoutDatabase.code).toBe(2)
    expect(keyWithoutDatabase.stderr).toContain('--secret-key (SECRET_KEY) is for PostgreSQL')
    expect(keyWithoutDatabase.stderr).not.toContain(SECRET_KEY)

    const schemaWithoutDatabase = await serveCli([], { DATABASE_SCHEMA: 'x' })
    expect(schemaWithoutDatabase.code).toBe(2)
    expect(schemaWithoutDatabase.stderr).toContain('--database-schema (DATABASE_SCHEMA) needs --database-url')

    const notPostgres = await serveCli(['--secret-key', SECRET_KEY], {
      DATABASE_URL: `mysql://someone:${PASSWORD}@127.0.0.1/test`,
    })
    expect(notPostgres.code).toBe(2)
    expect(notPostgres.stderr).toContain('must be a postgres:// or postgresql:// URL')
    expect(notPostgres.stderr).not.toContain(PASSWORD)
  })

  it('names the database without its password when it cannot be reached (exit 1)', async () => {
    const run = await serveCli([
      '--database-url',
      `postgres://someone:${PASSWORD}@127.0.0.1:1/test`,
      '--secret-key',
      Buffer.alloc(32, 7).toString('base64'),
    ])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('cannot open the PostgreSQL store at postgres://someone@127.0.0.1:1/test')
    expect(run.stderr + run.stdout).not.toContain(PASSWORD)
  })
})

async function postBatch(node: ServeProcess, events: object[]): Promise<void> {
  const response = await request(`${node.url}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY) },
    body: JSON.stringify({ batch: events }),
  })
  const text = await response.body.text()
  expect(response.statusCode, text).toBe(200)
}

/** A counter of a node's /metrics, summed over its labels. */
async function metricOf(node: ServeProcess, name: string): Promise<number> {
  const response = await request(`${node.url}/metrics`)
  let total = 0
  for (const line of (await response.body.text()).split('\n')) {
    if (line.startsWith(`${name}{`)) total += Number(line.split(' ').pop())
  }
  return total
}

const deliveredMetric = (node: ServeProcess): Promise<number> =>
  metricOf(node, 'iterable_actions_jobs_delivered_total')
const receivedMetric = (node: ServeProcess): Promise<number> =>
  metricOf(node, 'iterable_actions_events_received_total')

describeWithPostgres('serve: two nodes on one PostgreSQL schema', postgres, (url) => {
  const schema = freshSchemaName('serve_e2e')
  const nodes: ServeProcess[] = []
  let sandbox: RecordingSandbox

  beforeAll(async () => {
    requireBuild()
    sandbox = await startRecordingSandbox(API_KEY)
  })
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()))
    await sandbox?.close()
    await dropSchema(url, schema)
  })

  const startNode = (): Promise<ServeProcess> =>
    startServe({
      writeKey: WRITE_KEY,
      apiKey: API_KEY,
      iterableUrl: sandbox.url,
      adminToken: ADMIN_TOKEN,
      extraArgs: ['--database-url', url, '--database-schema', schema, '--secret-key', SECRET_KEY],
    })

  it('delivers every event posted to either node exactly once', { timeout: 120_000 }, async () => {
    // Started together: the startup lock lets one create the default source and destination.
    nodes.push(...(await Promise.all([startNode(), startNode()])))
    for (const node of nodes) {
      expect(node.output()).toContain(`store: PostgreSQL ${url} (schema ${schema})`)
    }
    const counts = await withClient(url, async (client) => {
      const sources = await client.query(`SELECT count(*) AS n FROM "${schema}".sources`)
      const destinations = await client.query(`SELECT count(*) AS n FROM "${schema}".destinations`)
      return { sources: Number(sources.rows[0].n), destinations: Number(destinations.rows[0].n) }
    })
    expect(counts).toEqual({ sources: 1, destinations: 1 })

    const messageIds: string[] = []
    const posts: Promise<void>[] = []
    for (let batch = 0; batch < 40; batch++) {
      const events = Array.from({ length: 25 }, (_, i) => {
        const messageId = `pg-${batch}-${i}`
        messageIds.push(messageId)
        return {
          type: 'track',
          userId: `pg-user-${i % 20}`,
          event: 'Two Nodes',
          messageId,
          properties: { batch },
        }
      })
      posts.push(postBatch(nodes[batch % 2], events))
    }
    await Promise.all(posts)

    const sent = (): Map<string, number> => {
      const seen = new Map<string, number>()
      for (const recorded of sandbox.requests) {
        if (recorded.status !== 200) continue
        for (const { action, item } of itemsOf(recorded)) {
          if (action === 'trackEvent') seen.set(String(item.id), (seen.get(String(item.id)) ?? 0) + 1)
        }
      }
      return seen
    }
    await waitUntil('every event to reach the sandbox', () => sent().size === messageIds.length, 60_000)
    const seen = sent()
    expect([...seen.keys()].sort()).toEqual([...messageIds].sort())
    expect([...seen.entries()].filter(([, n]) => n !== 1)).toEqual([])

    // Both nodes took events in; one node at a time delivers the destination (it holds the lease),
    // and its progress (the cursor) is written after Iterable's answers, so it may lag a moment.
    const cursor = (): Promise<{ position: number; owner: string | null }> =>
      withClient(url, async (client) => {
        const { rows } = await client.query(`SELECT position, owner FROM "${schema}".delivery_cursors`)
        return { position: Number(rows[0].position), owner: rows[0].owner as string | null }
      })
    const head = await withClient(url, async (client) => {
      const { rows } = await client.query(`SELECT max(id) AS id FROM "${schema}".events`)
      return Number(rows[0].id)
    })
    await waitUntil(
      'the cursor to reach the last event',
      async () => (await cursor()).position >= head,
      10_000,
    )
    expect((await cursor()).owner).not.toBeNull()
    // Counters reach /metrics from each node's delivery thread every 50 ms: all from the owner.
    const deliveredPerNode = (): Promise<number[]> => Promise.all(nodes.map(deliveredMetric))
    await waitUntil(
      'the owner to count its deliveries',
      async () => (await deliveredPerNode()).reduce((a, b) => a + b, 0) >= messageIds.length,
      10_000,
    )
    const perNode = await deliveredPerNode()
    expect(perNode[0] + perNode[1]).toBe(messageIds.length)
    expect(perNode.filter((n) => n > 0)).toHaveLength(1)
    const received = await Promise.all(nodes.map(receivedMetric))
    expect(received[0]).toBeGreaterThan(0)
    expect(received[1]).toBeGreaterThan(0)
  })

  it(
    "reloads a node's delivery when another node changes the configuration",
    { timeout: 60_000 },
    async () => {
      const admin = async (node: ServeProcess, method: 'GET' | 'POST', path: string): Promise<unknown> => {
        const response = await request(`${node.url}/api/admin${path}`, {
          method,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
        const text = await response.body.text()
        expect(response.statusCode, text).toBe(200)
        return JSON.parse(text)
      }
      const { items } = (await admin(nodes[0], 'GET', '/destinations')) as { items: { id: string }[] }
      const id = items[0].id
      const stateOn = async (node: ServeProcess): Promise<string> =>
        ((await admin(node, 'GET', `/destinations/${id}`)) as { state: string }).state
      expect(await stateOn(nodes[1])).toBe('delivering')

      await admin(nodes[0], 'POST', `/destinations/${id}/disable`)
      await waitUntil(
        'node 2 to see the destination disabled',
        async () => (await stateOn(nodes[1])) === 'disabled',
        20_000,
      )
      await admin(nodes[1], 'POST', `/destinations/${id}/enable`)
      await waitUntil(
        'node 1 to see it enabled again',
        async () => (await stateOn(nodes[0])) === 'delivering',
        20_000,
      )
    },
  )

  it('refuses to start with another secret key than the one the secrets were sealed with', async () => {
    const run = await serveCli([
      '--database-url',
      url,
      '--database-schema',
      schema,
      '--secret-key',
      'cd'.repeat(32),
      '--write-key',
      WRITE_KEY,
      '--api-key',
      API_KEY,
      '--admin-token',
      ADMIN_TOKEN,
    ])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('could not be decrypted (wrong secret key?)')
  })
})
