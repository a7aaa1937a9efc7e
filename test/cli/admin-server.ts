// The service's admin API for CLI tests: createServer over a SQLite store in a temp folder, on a
// real socket (127.0.0.1, a free port), with delivery not started.
import { routingPort } from '../../src/cli/serve/routing-port.js'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DeliveryService } from '../../src/delivery/service.js'
import { createServer } from '../../src/server/app.js'
import { createMetrics } from '../../src/server/metrics.js'
import { openStore } from '../../src/store/index.js'
import type { Store } from '../../src/store/index.js'

export interface AdminServer {
  /** The temp folder (the store is in `data/`). */
  dir: string
  store: Store
  url: string
  /** Writes a file in the temp folder and returns its path. */
  file(name: string, text: string): string
  close(): Promise<void>
}

export async function startAdminServer(adminToken: string, prefix: string): Promise<AdminServer> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  const store = await openStore({ kind: 'sqlite', dir: path.join(dir, 'data') })
  const app = await createServer({
    store,
    delivery: new DeliveryService({ store, routing: routingPort }),
    adminToken,
    metrics: createMetrics(store, { defaultMetrics: false }),
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return {
    dir,
    store,
    url: `http://127.0.0.1:${address.port}`,
    file: (name, text) => {
      const target = path.join(dir, name)
      writeFileSync(target, text)
      return target
    },
    close: async () => {
      await app.close()
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
