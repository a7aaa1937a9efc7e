// The PostgreSQL connection when the server goes away (issue 14, item 1): a client checked out for a
// transaction has no listener of the pool's, so the server terminating its connection used to emit an
// unhandled 'error' that ended the process. The shared server is never restarted: the test terminates
// one backend (pg_terminate_backend), talks to a port where no server listens, or goes through a TCP
// proxy that stops forwarding (a server that hangs: nothing fails, nothing answers).
import pg from 'pg'
import { expect, it } from 'vitest'
import { PgConnection, Q } from '../../src/store/postgres/connection.js'
import { DEFAULT_PG_TIMEOUTS, poolSettings, type PgTimeouts } from '../../src/store/postgres/timeouts.js'
import { freePort, sleep } from '../e2e/e2e-helpers.js'
import { describeWithPostgres, findPostgres, withClient } from '../helpers/postgres.js'
import { proxyDatabase } from '../helpers/tcp-proxy.js'

const found = await findPostgres()

function connect(url: string, timeouts: PgTimeouts = DEFAULT_PG_TIMEOUTS): PgConnection {
  const pool = new pg.Pool({ connectionString: url, max: 2, ...poolSettings(timeouts) })
  pool.on('error', () => {})
  return new PgConnection(pool, timeouts)
}

/** Short bounds, so that the silent server below is given up on quickly. */
const SHORT: PgTimeouts = {
  ...DEFAULT_PG_TIMEOUTS,
  connectMs: 500,
  statementMs: 600,
  queryMs: 800,
  probeMs: 300,
}

/** Milliseconds `promise` took to settle. */
async function settleTime(promise: Promise<unknown>): Promise<number> {
  const started = performance.now()
  await promise.catch(() => undefined)
  return performance.now() - started
}

describeWithPostgres('postgres connection faults', found, (url) => {
  it('a transaction whose connection the server terminates fails as unavailable, and its client leaves the pool', async () => {
    const db = connect(url)
    try {
      const failed = db.transaction(async (client) => {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
        await withClient(url, (admin) => admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]))
        // Between two statements the termination reaches the idle, checked-out client as an event.
        await sleep(300)
        await client.query('SELECT 1')
      })
      await expect(failed).rejects.toMatchObject({ name: 'StoreError', code: 'unavailable' })
      expect(db.pool.totalCount).toBe(0)
      const [row] = await db.rows({ name: 'probe_one', text: 'SELECT 1 AS one' }, [])
      expect(row.one).toBe(1)
    } finally {
      await db.close()
    }
  })

  it('a server that refuses writes inside a transaction (SQLSTATE 25006) fails as unavailable; an error of fn passes unchanged', async () => {
    const db = connect(url)
    try {
      const readOnly = db.transaction(async (client) => {
        await client.query('SET TRANSACTION READ ONLY')
        await client.query('CREATE TABLE read_only_probe (id int)')
      })
      await expect(readOnly).rejects.toMatchObject({ name: 'StoreError', code: 'unavailable' })
      const own = new Error('not the database')
      await expect(
        db.transaction(async () => {
          throw own
        }),
      ).rejects.toBe(own)
      // The client was not broken: it went back to the pool.
      expect(db.pool.totalCount).toBe(1)
    } finally {
      await db.close()
    }
  })

  it('a server that stops answering (a black hole): every call fails as unavailable within its timeout, then works again', async () => {
    const { proxy, url: proxied } = await proxyDatabase(url)
    const db = connect(proxied, SHORT)
    try {
      // Both pool connections open and idle: the black hole meets them mid-session.
      await Promise.all([db.transaction((c) => c.query('SELECT 1')), db.checkWritable()])
      proxy.blackHole()
      const statement = db.rows(Q.config.SELECT_SOURCES, [])
      await expect(statement).rejects.toMatchObject({ name: 'StoreError', code: 'unavailable' })
      // One query timeout, not two: no ROLLBACK is sent down a connection that does not answer.
      const transaction = db.transaction(async (client) => client.query('SELECT 1'))
      const took = await settleTime(transaction)
      await expect(transaction).rejects.toMatchObject({ code: 'unavailable' })
      expect(took).toBeLessThan(SHORT.queryMs + 400)
      // The write probe has its own, shorter bound (readiness, delivery's outage wait).
      const started = performance.now()
      expect(await db.checkWritable()).toMatchObject({ ok: false })
      expect(performance.now() - started).toBeLessThan(SHORT.queryMs + SHORT.connectMs)
      // New connections are accepted by the black hole and never answered: the connect timeout.
      expect(proxy.swallowed).toBeGreaterThan(0)

      proxy.restore()
      await sleep(100)
      expect(await db.checkWritable()).toEqual({ ok: true })
      const [row] = await db.rows({ name: 'probe_one', text: 'SELECT 1 AS one' }, [])
      expect(row.one).toBe(1)
    } finally {
      proxy.restore()
      await db.close()
      await proxy.close()
    }
  })

  it('a statement that runs longer than statementMs is cancelled by the server', async () => {
    const db = connect(url, SHORT)
    try {
      await expect(db.rows({ name: 'sleepy', text: 'SELECT pg_sleep(5)' }, [])).rejects.toMatchObject({
        code: '57014',
      })
    } finally {
      await db.close()
    }
  })

  it('an error of the statement itself is not an outage: it passes unchanged', async () => {
    const db = connect(url)
    try {
      const failed = db.rows({ name: 'bad_table', text: 'SELECT * FROM no_such_table_here' }, [])
      await expect(failed).rejects.toMatchObject({ code: '42P01' })
      expect(await db.checkWritable()).toEqual({ ok: true })
    } finally {
      await db.close()
    }
  })
})

it('a server that does not answer: statements and transactions fail as unavailable, checkWritable says why', async () => {
  const db = connect(`postgres://postgres@127.0.0.1:${await freePort()}/none`)
  try {
    await expect(db.rows(Q.config.SELECT_SOURCES, [])).rejects.toMatchObject({
      name: 'StoreError',
      code: 'unavailable',
      message: expect.stringContaining('ECONNREFUSED'),
    })
    await expect(db.transaction(async () => 1)).rejects.toMatchObject({ code: 'unavailable' })
    const check = await db.checkWritable()
    expect(check).toEqual({
      ok: false,
      reason: expect.stringContaining('the connection to PostgreSQL failed'),
    })
  } finally {
    await db.close()
  }
})
