// `serve` store options in-process: flags and environment for PostgreSQL, what each store implies for
// delivery (leases taken over at start only with SQLite) and the per-node rate-limit share.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { optionsFromFlags, startService, UsageError } from '../../src/cli/serve.js'
import { ITERABLE_RATE_LIMITS } from '../../src/delivery/index.js'
import { openStore, type Store, type StoreOptions } from '../../src/store/index.js'
import { describeWithPostgres, dropSchema, findPostgres, freshSchemaName } from '../helpers/postgres.js'

const SECRET_KEY = 'ef'.repeat(32)
const quiet = pino({ level: 'silent' })
const postgres = await findPostgres()
const dirs: string[] = []
/** A destination whose delivery is held by a node that is not this one (`elsewhere`), lease still running. */
async function leaseElsewhere(options: StoreOptions): Promise<string> {
  const store = await openStore(options)
  try {
    const destination = await store.createDestination({
      name: 'held',
      kind: 'iterable',
      settings: {},
      apiKey: 'k',
    })
    expect(await store.openDelivery(destination.id, 'elsewhere', { leaseMs: 600_000 })).not.toBeNull()
    return destination.id
  } finally {
    await store.close()
  }
}

async function ownerOf(store: Store, destinationId: string): Promise<string | null | undefined> {
  return (await store.deliveryStats()).find((s) => s.destinationId === destinationId)?.owner
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('serve store options', () => {
  it('reads the PostgreSQL options from flags and environment; no default data folder with them', () => {
    const env = {
      DATABASE_URL: 'postgres://app@db/events',
      DATABASE_SCHEMA: 'env_schema',
      SECRET_KEY: 'env-key',
      RATE_LIMIT_NODES: '3',
    }
    expect(optionsFromFlags({ databaseSchema: 'flag_schema' }, env)).toMatchObject({
      databaseUrl: 'postgres://app@db/events',
      databaseSchema: 'flag_schema',
      secretKey: 'env-key',
      rateLimitNodes: 3,
    })
    expect(optionsFromFlags({}, env).dataDir).toBeUndefined()
    expect(optionsFromFlags({ data: '/srv/x' }, env).dataDir).toBe('/srv/x')
    expect(optionsFromFlags({}, {}).dataDir).toBe('./.data')
    expect(optionsFromFlags({ rateLimitNodes: 'two' }, {}).rateLimitNodes).toBeNaN()
  })

  it('refuses a rate-limit share that is not a whole number of nodes', async () => {
    const base = { port: 0, host: '127.0.0.1', dataDir: '/nonexistent', logger: quiet }
    for (const rateLimitNodes of [0, NaN, 1.5]) {
      await expect(startService({ ...base, rateLimitNodes })).rejects.toThrow(UsageError)
    }
  })

  it('SQLite: takes back every lease at start (one process owns the folder)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'serve-store-'))
    dirs.push(dir)
    const held = await leaseElsewhere({ kind: 'sqlite', dir })
    const service = await startService({ port: 0, host: '127.0.0.1', dataDir: dir, logger: quiet })
    try {
      expect(service.storeDescription).toBe(`SQLite in ${dir}`)
      expect(service.delivery.options.reclaimAllOnStart).toBe(true)
      await new Promise((r) => setTimeout(r, 200))
      const owner = await ownerOf(service.store, held)
      expect(owner).not.toBe('elsewhere')
      expect(owner).not.toBeNull()
      expect(service.delivery.options.rateLimitOverrides).toEqual({})
    } finally {
      await service.close()
    }
  })
})

describeWithPostgres('serve store options on PostgreSQL', postgres, (url) => {
  it('leaves live leases to the other nodes and shares the rate limits among them', async () => {
    const schema = freshSchemaName('serve_opts')
    try {
      const service = await startService({
        port: 0,
        host: '127.0.0.1',
        databaseUrl: url,
        databaseSchema: schema,
        secretKey: SECRET_KEY,
        rateLimitNodes: 4,
        logger: quiet,
        delivery: { rateLimitOverrides: { '/api/users/update': 7 } },
      })
      try {
        expect(service.storeDescription).toBe(`PostgreSQL ${url} (schema ${schema})`)
        expect(service.store.kind).toBe('postgres')
        expect(service.delivery.options.reclaimAllOnStart).toBe(false)
        const share = service.delivery.options.rateLimitOverrides
        expect(share['/api/events/trackBulk']).toBe(ITERABLE_RATE_LIMITS['/api/events/trackBulk'] / 4)
        expect(share['/api/users/bulkUpdate']).toBe(
          Math.max(1, ITERABLE_RATE_LIMITS['/api/users/bulkUpdate'] / 4),
        )
        // an explicit override wins over the share
        expect(share['/api/users/update']).toBe(7)
      } finally {
        await service.close()
      }
    } finally {
      await dropSchema(url, schema)
    }
  })
})
