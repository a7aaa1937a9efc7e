// The engine starts each destination's delivery once, however its passes meet: the poll (a
// destination another node held) and a reload (the configuration changed, a user was forgotten)
// both looking for destinations without a running delivery. Before they ran one at a time, both
// opened the same destination when its lease came free — two deliveries on one node, every event
// sent twice, and one of them never stopped (after the store closed it spun on its lease renewal).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterEach, expect, it } from 'vitest'
import { routingPort } from '../../src/cli/serve/routing-port.js'
import { DeliveryService } from '../../src/delivery/index.js'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { FAST, seedStore, sender, track, waitFor } from './harness.js'

let cleanup: (() => Promise<void>) | undefined
afterEach(async () => {
  await cleanup?.()
  cleanup = undefined
})

/** The store, with every openDelivery taking `delayMs` longer (the window in which passes meet). */
function slowOpens(store: Store, delayMs: number): Store {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown
      if (key === 'openDelivery') {
        return async (...args: Parameters<Store['openDelivery']>) => {
          await new Promise((resolve) => setTimeout(resolve, delayMs))
          return target.openDelivery(...args)
        }
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
}

it('opens a destination whose lease comes free once, when the poll and reloads look for it together', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ia-start-race-'))
  const store = await openStore({ kind: 'sqlite', dir })
  const sandbox: RunningSandbox = await startSandbox({ port: 0, rateLimits: false })
  const lines: { msg: string }[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line !== '') lines.push(JSON.parse(line) as { msg: string })
      done()
    },
  })
  const { destination, sourceId } = await seedStore(store, { apiKey: sandbox.apiKey })
  // Another node delivers the destination for now.
  expect(await store.openDelivery(destination.id, 'other-node', { leaseMs: 60_000 })).not.toBeNull()
  const service = new DeliveryService({
    store: slowOpens(store, 150),
    routing: routingPort,
    baseUrlOverride: sandbox.url,
    logger: pino({ level: 'info' }, sink),
    delivery: { ...FAST, pollMs: 10 },
  })
  cleanup = async () => {
    await service.stop(2000)
    await store.close()
    await sandbox.close()
    rmSync(dir, { recursive: true, force: true })
  }
  await service.reload()
  await service.start()
  await new Promise((resolve) => setTimeout(resolve, 100))
  expect(lines.filter((l) => l.msg === 'delivering')).toHaveLength(0)

  // The other node lets go while this one polls, and the configuration is reloaded meanwhile.
  await store.closeDelivery(destination.id, 'other-node')
  await Promise.all([service.reload(), service.reload(), service.reload()])
  await new Promise((resolve) => setTimeout(resolve, 500))
  expect(lines.filter((l) => l.msg === 'delivering')).toHaveLength(1)

  const events = Array.from({ length: 20 }, (_, i) => track(`race-${i % 4}`, 'Race', { i }, `race-${i}`))
  await sender(service, sourceId)(events)
  const stored = (): number =>
    Array.from(
      { length: 4 },
      (_, u) => sandbox.state.project().findByUserId(`race-${u}`)?.events.length ?? 0,
    ).reduce((a, b) => a + b, 0)
  await waitFor(() => stored() >= 20)
  await new Promise((resolve) => setTimeout(resolve, 300))
  expect(stored()).toBe(20)
})
