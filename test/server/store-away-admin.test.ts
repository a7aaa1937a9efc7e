// /metrics and the admin API while the store is away (issue 14): PostgreSQL reached through a TCP
// proxy that the test cuts (the shared server itself is never touched). A scrape answers 503 at once,
// not a 500 and not a hang; admin requests answer 503 store_unavailable; and the log says each
// condition once per interval, not once per request. When the proxy forwards again both answer 200.
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { waitUntil } from '../e2e/e2e-helpers.js'
import { describeWithPostgres, dropSchema, findPostgres, freshSchemaName } from '../helpers/postgres.js'
import { proxyDatabase, type TcpProxy } from '../helpers/tcp-proxy.js'

const found = await findPostgres()
const ADMIN_TOKEN = 'store-away-admin-token'
const SECRET_KEY = 'ef'.repeat(32)
const METRICS_AWAY = 'metrics: the store cannot be read now'
const ADMIN_AWAY = 'admin request failed: the store cannot take work now'
const REQUESTS = 20

interface LogLine {
  level: number
  msg: string
}

describeWithPostgres('/metrics and the admin API while PostgreSQL is away', found, (url) => {
  const schema = freshSchemaName('store_away')
  const lines: LogLine[] = []
  let proxy: TcpProxy
  let service: RunningService

  beforeAll(async () => {
    const proxied = await proxyDatabase(url)
    proxy = proxied.proxy
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n'))
          if (line !== '') lines.push(JSON.parse(line) as LogLine)
        done()
      },
    })
    service = await startService({
      port: 0,
      host: '127.0.0.1',
      databaseUrl: proxied.url,
      databaseSchema: schema,
      secretKey: SECRET_KEY,
      adminToken: ADMIN_TOKEN,
      logger: pino({ level: 'info' }, sink),
    })
  })

  afterAll(async () => {
    proxy?.restore()
    await service?.close()
    await proxy?.close()
    await dropSchema(url, schema)
  })

  const get = async (path: string): Promise<{ status: number; text: string; ms: number }> => {
    const started = performance.now()
    const response = await fetch(service.url.replace(/\/$/, '') + path, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: AbortSignal.timeout(10_000),
    })
    return { status: response.status, text: await response.text(), ms: performance.now() - started }
  }

  it('answers 503 on /metrics and the admin API, logs each once, and 200 again when it is back', async () => {
    expect((await get('/metrics')).status).toBe(200)
    expect((await get('/api/admin/destinations')).status).toBe(200)
    const before = lines.length
    proxy.cut()

    for (let i = 0; i < REQUESTS; i++) {
      const scrape = await get('/metrics')
      expect([scrape.status, scrape.text]).toEqual([503, 'the store cannot be read now; try again later\n'])
      expect(scrape.ms).toBeLessThan(5000)
      const admin = await get('/api/admin/destinations')
      expect(admin.status).toBe(503)
      expect(JSON.parse(admin.text).error.code).toBe('store_unavailable')
    }
    const whileAway = lines.slice(before).filter((l) => l.level >= 40)
    expect(whileAway.filter((l) => l.msg === METRICS_AWAY)).toHaveLength(1)
    expect(whileAway.filter((l) => l.msg === ADMIN_AWAY)).toHaveLength(1)
    // No 500s and no line per request: 40 requests failed, and the log has a few lines in all (these
    // two, and perhaps the configuration watch's own once-per-interval line).
    expect(whileAway.map((l) => l.msg)).not.toContain('admin request failed')
    expect(whileAway.length, JSON.stringify(whileAway.map((l) => l.msg))).toBeLessThanOrEqual(4)

    proxy.restore()
    await waitUntil(
      '/metrics answering 200 again',
      async () => (await get('/metrics')).status === 200,
      20_000,
    )
    expect((await get('/api/admin/destinations')).status).toBe(200)
  }, 60_000)
})
