// The live-events hub on real stores: nothing is read while nobody listens, a slow listener drops
// events (bounded) and is told how many, a hub far behind skips ahead and says so, and on
// PostgreSQL a listener on one node sees events another node ingests (NOTIFY, no poll).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { LiveEventHub } from '../../src/server/live/live-hub.js'
import type { LiveSink } from '../../src/server/live/live-listener.js'
import { openStore, type Store } from '../../src/store/index.js'
import { describeWithPostgres, dropSchema, findPostgres, freshSchemaName } from '../helpers/postgres.js'
import { waitFor } from './admin-helpers.js'

/** A sink that keeps the frames; `full` makes write say the buffer is full until drain(). */
class RecordingSink implements LiveSink {
  readonly frames: string[] = []
  full = false
  #drain: (() => void) | null = null
  write(chunk: string): boolean {
    this.frames.push(chunk)
    return !this.full
  }
  once(_event: 'drain', listener: () => void): void {
    this.#drain = listener
  }
  end(): void {}
  drain(): void {
    this.full = false
    const listener = this.#drain
    this.#drain = null
    listener?.()
  }
  /** Parsed `event` and `missed` frames. */
  events(): Array<{ messageId: string; type: string; name: string | null }> {
    return this.frames
      .filter((f) => f.startsWith('event: event'))
      .map((f) => JSON.parse(f.split('data: ')[1]))
  }
  missed(): number {
    return this.frames
      .filter((f) => f.startsWith('event: missed'))
      .reduce((sum, f) => sum + (JSON.parse(f.split('data: ')[1]) as { count: number }).count, 0)
  }
}

function track(i: number, name = 'Product Viewed'): { messageId: string; body: string; size: number } {
  const body = JSON.stringify({ type: 'track', event: name, userId: `u${i}`, messageId: `m${i}` })
  return { messageId: `m${i}`, body, size: body.length }
}

async function ingest(store: Store, events: ReturnType<typeof track>[]): Promise<void> {
  await store.ingest({ sourceId: 'src-1', receivedAt: Date.now(), revision: 0, events })
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function sqliteStore(): Promise<Store> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ia-live-'))
  const store = await openStore({ kind: 'sqlite', dir })
  cleanups.push(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return store
}

/** The store with a count of log reads. */
function counting(store: Store): { store: Store; reads: () => number } {
  let reads = 0
  const wrapped = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown
      if (typeof value !== 'function') return value
      if (key === 'readLog' || key === 'logHead' || key === 'watchAppends') {
        return (...args: unknown[]) => {
          reads++
          return (value as (...a: unknown[]) => unknown).apply(target, args)
        }
      }
      return (value as (...a: unknown[]) => unknown).bind(target)
    },
  })
  return { store: wrapped, reads: () => reads }
}

it('does no store work while nobody listens, and stops when the last listener leaves', async () => {
  const base = await sqliteStore()
  const { store, reads } = counting(base)
  const hub = new LiveEventHub(store, { pollMs: 10 })
  cleanups.push(() => hub.close())
  await ingest(base, [track(1)])
  hub.appended()
  await new Promise((r) => setTimeout(r, 50))
  expect(reads()).toBe(0)

  const sink = new RecordingSink()
  const unsubscribe = await hub.subscribe({}, sink)
  await ingest(base, [track(2)])
  hub.appended()
  await waitFor(() => sink.events().length === 1)
  expect(sink.events()[0].messageId).toBe('m2') // from the head at subscribe: m1 is not shown
  unsubscribe()
  expect(hub.listeners).toBe(0)
  await new Promise((r) => setTimeout(r, 50))
  const after = reads()
  await ingest(base, [track(3)])
  hub.appended()
  await new Promise((r) => setTimeout(r, 50))
  expect(reads()).toBe(after)
})

it('filters by type and name on the server', async () => {
  const store = await sqliteStore()
  const hub = new LiveEventHub(store, { pollMs: 60_000 })
  cleanups.push(() => hub.close())
  const sink = new RecordingSink()
  await hub.subscribe({ type: 'track', name: 'order' }, sink)
  const identify = JSON.stringify({ type: 'identify', userId: 'u9', messageId: 'i9' })
  await ingest(store, [track(1), track(2, 'Order Completed'), { messageId: 'i9', body: identify, size: 10 }])
  hub.appended()
  await waitFor(() => sink.events().length === 1)
  await new Promise((r) => setTimeout(r, 50))
  expect(sink.events()).toMatchObject([{ messageId: 'm2', type: 'track', name: 'Order Completed' }])
})

it('a slow listener keeps at most maxQueued events, drops the rest and is told how many', async () => {
  const store = await sqliteStore()
  const hub = new LiveEventHub(store, { pollMs: 60_000, maxQueued: 10, pageSize: 7 })
  cleanups.push(() => hub.close())
  const slow = new RecordingSink()
  const fast = new RecordingSink()
  await hub.subscribe({}, slow)
  await hub.subscribe({}, fast)
  slow.full = true
  await ingest(
    store,
    Array.from({ length: 50 }, (_, i) => track(i)),
  )
  hub.appended()
  await waitFor(() => fast.events().length === 50)
  // The slow sink took one frame before it said it was full; the rest waited or were dropped.
  expect(slow.frames).toHaveLength(1)
  slow.drain()
  const shown = slow.events().length
  expect(shown).toBe(11) // the frame written, then the 10 queued
  expect(slow.missed()).toBe(50 - shown)
  // Nothing was lost for the listener that kept up.
  expect(fast.missed()).toBe(0)
})

it('skips ahead when far behind the log, telling each listener how many it skipped', async () => {
  const store = await sqliteStore()
  const hub = new LiveEventHub(store, { pollMs: 60_000, maxBehind: 20 })
  cleanups.push(() => hub.close())
  const sink = new RecordingSink()
  await hub.subscribe({}, sink)
  await ingest(
    store,
    Array.from({ length: 100 }, (_, i) => track(i)),
  )
  hub.appended()
  await waitFor(() => sink.events().length === 20)
  expect(sink.missed()).toBe(80)
  expect(sink.events()[0].messageId).toBe('m80')
})

const postgres = await findPostgres()
describeWithPostgres('live events across nodes', postgres, (url) => {
  it("a listener on node A sees node B's events through NOTIFY (no poll)", async () => {
    const schema = freshSchemaName('live_hub')
    const options = { kind: 'postgres' as const, url, schema, secretKey: 'c'.repeat(64), maxConnections: 3 }
    const a = await openStore(options)
    const b = await openStore(options)
    cleanups.push(async () => {
      await Promise.all([a.close(), b.close()])
      await dropSchema(url, schema)
    })
    const hub = new LiveEventHub(a, { pollMs: 600_000 })
    cleanups.push(() => hub.close())
    const sink = new RecordingSink()
    await hub.subscribe({}, sink)
    await ingest(b, [track(1, 'From node B')])
    await waitFor(() => sink.events().length === 1)
    expect(sink.events()[0]).toMatchObject({ messageId: 'm1', name: 'From node B' })
  })
})

it('a subscriber fails while the log cannot be read, and the next one starts once it can', async () => {
  const base = await sqliteStore()
  let broken = true
  const store = new Proxy(base, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown
      if (key === 'logHead' && broken) return () => Promise.reject(new Error('disk gone'))
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
  const hub = new LiveEventHub(store, { pollMs: 60_000 })
  cleanups.push(() => hub.close())
  await expect(hub.subscribe({}, new RecordingSink())).rejects.toThrow('disk gone')
  broken = false
  const sink = new RecordingSink()
  await hub.subscribe({}, sink)
  await ingest(base, [track(1)])
  hub.appended()
  await waitFor(() => sink.events().length === 1)
})
