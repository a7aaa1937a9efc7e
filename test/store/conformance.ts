// One behaviour suite for every store backend (BullMQ habit): each backend's test file calls
// describeStoreConformance with a harness that opens fresh databases of its kind.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { IngestEvent, NewJob, Store, StoreLimits } from '../../src/store/index.js'
import { StoreError } from '../../src/store/index.js'

export interface StoreHarness {
  /** Opens (or reopens) a connection to this harness's database. Every call is a new connection. */
  open(limits?: Partial<StoreLimits>): Promise<Store>
  /** Everything the database holds at rest, as text (files or table dumps), for secret checks. */
  rawContents(): Promise<string>
  /** Runs SQL statements directly on the database (no store open), e.g. to recreate an old schema. */
  execute(sql: string): Promise<void>
  /** Removes the database. */
  destroy(): Promise<void>
}

const T0 = Date.UTC(2026, 0, 1)
const HOUR = 3_600_000

function events(ids: string[], userKey?: string): IngestEvent[] {
  return ids.map((messageId) => {
    const body = JSON.stringify({ type: 'track', event: 'Clicked', messageId, userId: userKey ?? null })
    return { messageId, body, size: body.length, userKey: userKey ?? null }
  })
}

function job(partial: Partial<NewJob> & { messageId: string }): NewJob {
  return {
    destinationId: 'dest',
    endpoint: 'events/track',
    mappingId: 'map',
    eventId: null,
    action: 'trackEvent',
    payload: { id: partial.messageId },
    ...partial,
  }
}

export function describeStoreConformance(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`store conformance: ${name}`, () => {
    let harness: StoreHarness
    let store: Store
    const extra: Store[] = []

    beforeEach(async () => {
      harness = await makeHarness()
      store = await harness.open()
    })
    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close()
      await store.close()
      await harness.destroy()
    })

    async function reopen(limits?: Partial<StoreLimits>): Promise<Store> {
      await store.close()
      store = await harness.open(limits)
      return store
    }

    async function second(): Promise<Store> {
      const s = await harness.open()
      extra.push(s)
      return s
    }

    describe('migrations and configuration', () => {
      it('applies migrations once and keeps data across reopen', async () => {
        await store.createSource({ id: 'src', name: 'Web', writeKey: 'wk_0123456789' })
        await reopen()
        await reopen()
        expect((await store.getSource('src'))?.name).toBe('Web')
        expect(await store.listSources()).toHaveLength(1)
      })

      it('upgrades a schema 1 database: old outcome rows have no payload, new ones keep what was sent', async () => {
        const undo003 =
          store.kind === 'sqlite'
            ? 'DROP INDEX jobs_ready; DROP INDEX jobs_waiting; ALTER TABLE jobs DROP COLUMN waiting_on;'
            : 'DROP INDEX jobs_ready;'
        await store.close()
        // Back to schema 1 (before the outcome log kept payloads), with one outcome row of that time.
        await harness.execute(`
          ${undo003}
          ALTER TABLE outcomes DROP COLUMN payload;
          DELETE FROM schema_version WHERE version >= 2;
          INSERT INTO outcomes (at, outcome, destination_id, mapping_id, action, event_id, message_id, user_key,
                                job_id, status_code, error_code, error_message)
          VALUES (${T0}, 'delivered', 'dest', 'map', 'trackEvent', NULL, 'old-1', NULL, 1, 200, NULL, NULL);`)
        store = await harness.open()
        await store.enqueue([job({ messageId: 'new-1' })], T0)
        const [claimed] = await store.claim({
          destinationId: 'dest',
          endpoint: 'events/track',
          limit: 1,
          workerId: 'w',
          leaseMs: 1000,
          now: T0,
        })
        await store.complete([claimed.id], { statusCode: 200, at: T0 + 1 })
        expect(await store.listOutcomes({ messageId: 'old-1' })).toMatchObject([
          { outcome: 'delivered', payload: null },
        ])
        expect(await store.listOutcomes({ messageId: 'new-1' })).toMatchObject([
          { outcome: 'delivered', payload: '{"id":"new-1"}' },
        ])
      })

      it('creates, finds by write key, revokes and deletes sources', async () => {
        const src = await store.createSource({
          id: 'src',
          name: 'Web',
          writeKey: 'wk_secret_abcd',
          createdAt: T0,
        })
        expect(src).toEqual({ id: 'src', name: 'Web', writeKeyHint: 'abcd', createdAt: T0, revokedAt: null })
        expect(JSON.stringify(src)).not.toContain('wk_secret')
        expect((await store.findSourceByWriteKey('wk_secret_abcd'))?.id).toBe('src')
        expect(await store.findSourceByWriteKey('wk_secret_abce')).toBeNull()
        expect(await store.getSourceWriteKey('src')).toBe('wk_secret_abcd')
        await expect(store.createSource({ name: 'Other', writeKey: 'wk_secret_abcd' })).rejects.toMatchObject(
          {
            code: 'conflict',
          },
        )
        expect(await store.revokeSource('src', T0 + 1)).toBe(true)
        expect(await store.findSourceByWriteKey('wk_secret_abcd')).toBeNull()
        expect((await store.getSource('src'))?.revokedAt).toBe(T0 + 1)
        expect(await store.deleteSource('src')).toBe(true)
        expect(await store.getSource('src')).toBeNull()
      })

      it('stores destinations with an encrypted API key, pause state and updates', async () => {
        const dest = await store.createDestination({
          id: 'dest',
          name: 'Iterable',
          kind: 'iterable',
          settings: { dataCenter: 'US' },
          apiKey: 'api_key_1234567890',
        })
        expect(dest).toMatchObject({ id: 'dest', hasApiKey: true, enabled: true, paused: null })
        expect(dest.settings).toEqual({ dataCenter: 'US' })
        expect(JSON.stringify(dest)).not.toContain('api_key_1234567890')
        expect(await store.getDestinationApiKey('dest')).toBe('api_key_1234567890')
        // A taken id is a conflict; any other refused row is not called one.
        await expect(
          store.createDestination({ id: 'dest', name: 'Again', kind: 'iterable' }),
        ).rejects.toMatchObject({
          code: 'conflict',
        })
        await expect(
          store.createDestination({ name: 'No kind', kind: null as unknown as string }),
        ).rejects.not.toMatchObject({ code: 'conflict' })

        expect(await store.setDestinationPaused('dest', { reason: '401 Unauthorized', since: T0 })).toBe(true)
        expect((await store.getDestination('dest'))?.paused).toEqual({
          reason: '401 Unauthorized',
          since: T0,
        })
        await store.setDestinationPaused('dest', null)
        expect((await store.getDestination('dest'))?.paused).toBeNull()

        const updated = await store.updateDestination('dest', {
          name: 'Iterable EU',
          enabled: false,
          apiKey: 'k2_abcdefghijk',
        })
        expect(updated).toMatchObject({ name: 'Iterable EU', enabled: false, hasApiKey: true })
        expect(updated?.settings).toEqual({ dataCenter: 'US' })
        expect(await store.getDestinationApiKey('dest')).toBe('k2_abcdefghijk')
        expect((await store.updateDestination('dest', { apiKey: null }))?.hasApiKey).toBe(false)
        expect(await store.getDestinationApiKey('dest')).toBeNull()
        expect(await store.updateDestination('missing', { name: 'x' })).toBeNull()
        expect(await store.listDestinations()).toHaveLength(1)
      })

      it('never keeps API keys or write keys in clear text at rest', async () => {
        const apiKey = 'ITERABLE_KEY_cafebabe0123456789'
        const writeKey = 'WRITE_KEY_deadbeef0123456789'
        await store.createDestination({ id: 'dest', name: 'D', kind: 'iterable', apiKey })
        await store.createSource({ id: 'src', name: 'S', writeKey })
        await store.updateDestination('dest', { apiKey: apiKey + 'X' })
        const raw = await harness.rawContents()
        expect(raw.length).toBeGreaterThan(0)
        expect(raw).toContain('dest') // the dump really covers the tables
        expect(raw).not.toContain(apiKey)
        expect(raw).not.toContain(writeKey)
      })

      it('orders, counts, updates and cascades mappings', async () => {
        await store.createDestination({ id: 'dest', name: 'D', kind: 'iterable' })
        await store.createDestination({ id: 'other', name: 'O', kind: 'iterable' })
        const a = await store.createMapping({
          id: 'a',
          destinationId: 'dest',
          name: 'Identify',
          trigger: 'type = "identify"',
          action: 'upsertUser',
          fields: { email: { '@path': '$.traits.email' } },
          batching: { enabled: true, size: 500 },
        })
        const b = await store.createMapping({
          id: 'b',
          destinationId: 'dest',
          name: 'Track',
          trigger: 'type = "track"',
          action: 'trackEvent',
        })
        await store.createMapping({
          id: 'c',
          destinationId: 'other',
          name: 'X',
          trigger: 'true',
          action: 'trackEvent',
        })
        expect([a.position, b.position]).toEqual([0, 1])
        expect(a.batching).toEqual({ enabled: true, size: 500 })
        expect(b.batching).toBeNull()
        expect(a.fields).toEqual({ email: { '@path': '$.traits.email' } })
        expect(await store.countMappings('dest')).toBe(2)
        await store.updateMapping('a', { position: 5, enabled: false })
        expect((await store.listMappings('dest')).map((m) => m.id)).toEqual(['b', 'a'])
        expect((await store.getMapping('a'))?.enabled).toBe(false)
        await expect(
          store.createMapping({ destinationId: 'missing', name: 'X', trigger: 'true', action: 'trackEvent' }),
        ).rejects.toBeInstanceOf(StoreError)
        expect(await store.deleteMapping('b')).toBe(true)
        expect(await store.countMappings('dest')).toBe(1)
        await store.deleteDestination('dest')
        expect((await store.listMappings()).map((m) => m.id)).toEqual(['c'])
      })
    })

    describe('ingest and dedupe', () => {
      it('stores events, builds jobs from the accepted ones, and records routing failures', async () => {
        let seen: string[] = []
        const result = await store.ingest({
          sourceId: 'src',
          receivedAt: T0,
          events: events(['m1', 'm2']),
          route: (accepted) => {
            seen = accepted.map((a) => a.messageId)
            return {
              jobs: accepted.map((a) => job({ messageId: a.messageId, eventId: a.eventId })),
              failures: [
                {
                  destinationId: 'dest',
                  mappingId: 'map2',
                  eventId: accepted[0].eventId,
                  messageId: 'm1',
                  action: 'updateCart',
                  errorCode: 'validation',
                  errorMessage: 'The root value is missing the required field "items".',
                },
              ],
            }
          },
        })
        expect(seen).toEqual(['m1', 'm2'])
        expect(result.duplicates).toEqual([])
        expect(result.jobCount).toBe(2)
        expect(result.accepted.map((a) => a.index)).toEqual([0, 1])
        const lookup = await store.lookupEvent('m1')
        expect(lookup.events).toHaveLength(1)
        expect(JSON.parse(lookup.events[0].body)).toMatchObject({ messageId: 'm1' })
        expect(lookup.events[0].id).toBe(result.accepted[0].eventId)
        expect(lookup.outcomes).toMatchObject([
          { outcome: 'failed', mappingId: 'map2', errorCode: 'validation', action: 'updateCart', at: T0 },
        ])
        // Nothing was sent for a routing failure.
        expect(lookup.outcomes[0].payload).toBeNull()
        expect((await store.queueStats(T0))[0]).toMatchObject({
          destinationId: 'dest',
          endpoint: 'events/track',
          depth: 2,
        })
      })

      it('drops duplicates within the window, in the same request, and accepts them after it', async () => {
        await store.ingest({ sourceId: 'src', receivedAt: T0, events: events(['m1', 'm2']) })
        let routed: string[] = []
        const route = (accepted: { messageId: string }[]) => {
          routed = accepted.map((a) => a.messageId)
          return { jobs: [] }
        }
        const again = await store.ingest({
          sourceId: 'src',
          receivedAt: T0 + 23 * HOUR,
          events: events(['m1', 'm3', 'm3']),
          route,
        })
        expect(again.duplicates.sort()).toEqual(['m1', 'm3'])
        expect(routed).toEqual(['m3'])
        expect((await store.lookupEvent('m1')).events).toHaveLength(1)
        expect((await store.lookupEvent('m3')).events).toHaveLength(1)

        // Another source may use the same messageId.
        const other = await store.ingest({ sourceId: 'src2', receivedAt: T0 + HOUR, events: events(['m1']) })
        expect(other.duplicates).toEqual([])

        // After the window (24 h from the first sighting) the id is new again.
        const later = await store.ingest({
          sourceId: 'src',
          receivedAt: T0 + 24 * HOUR + 1,
          events: events(['m2']),
          route,
        })
        expect(later.duplicates).toEqual([])
        expect(routed).toEqual(['m2'])
      })

      it('honours a configured dedupe window', async () => {
        store = await reopen({ dedupeWindowMs: 1000 })
        await store.ingest({ sourceId: 'src', receivedAt: T0, events: events(['m1']) })
        expect(
          (await store.ingest({ sourceId: 'src', receivedAt: T0 + 999, events: events(['m1']) })).duplicates,
        ).toEqual(['m1'])
        expect(
          (await store.ingest({ sourceId: 'src', receivedAt: T0 + 2000, events: events(['m1']) })).duplicates,
        ).toEqual([])
      })

      it('rolls the whole ingest back when routing throws', async () => {
        await expect(
          store.ingest({
            sourceId: 'src',
            receivedAt: T0,
            events: events(['m1']),
            route: () => {
              throw new Error('router bug')
            },
          }),
        ).rejects.toThrow('router bug')
        expect((await store.lookupEvent('m1')).events).toHaveLength(0)
        // The dedupe key was not kept either: a retry of the request is accepted.
        expect(
          (await store.ingest({ sourceId: 'src', receivedAt: T0, events: events(['m1']) })).duplicates,
        ).toEqual([])
      })
    })

    describe('queue', () => {
      it('claims ready jobs in id order, up to the limit, with a lease', async () => {
        const ids = await store.enqueue(
          [
            job({ messageId: 'a', batchKey: 'bk1' }),
            job({ messageId: 'b', batchKey: 'bk2' }),
            job({ messageId: 'later', runAt: T0 + 10_000 }),
            job({ messageId: 'c' }),
            job({ messageId: 'other-queue', endpoint: 'users/update' }),
          ],
          T0,
        )
        expect(ids).toHaveLength(5)
        const first = await store.claim({
          destinationId: 'dest',
          endpoint: 'events/track',
          limit: 2,
          workerId: 'w1',
          leaseMs: 1000,
          now: T0,
        })
        expect(first.map((j) => j.messageId)).toEqual(['a', 'b'])
        expect(first[0]).toMatchObject({
          batchKey: 'bk1',
          attempts: 1,
          lockedBy: 'w1',
          lockedUntil: T0 + 1000,
          firstEnqueuedAt: T0,
          mappingId: 'map',
          action: 'trackEvent',
        })
        expect(JSON.parse(first[0].payload)).toEqual({ id: 'a' })
        const rest = await store.claim({
          destinationId: 'dest',
          endpoint: 'events/track',
          limit: 10,
          workerId: 'w2',
          leaseMs: 1000,
          now: T0,
        })
        expect(rest.map((j) => j.messageId)).toEqual(['c'])
        // The leased ones come back once the lease expires; the delayed one once due.
        const afterLease = await store.claim({
          destinationId: 'dest',
          endpoint: 'events/track',
          limit: 10,
          workerId: 'w3',
          leaseMs: 1000,
          now: T0 + 10_000,
        })
        expect(afterLease.map((j) => j.messageId)).toEqual(['a', 'b', 'later', 'c'])
        expect(afterLease[0].attempts).toBe(2)
      })

      it('completes, reschedules, releases and reclaims', async () => {
        await store.enqueue([job({ messageId: 'a' }), job({ messageId: 'b' }), job({ messageId: 'c' })], T0)
        const q = { destinationId: 'dest', endpoint: 'events/track' }
        const claimed = await store.claim({ ...q, limit: 10, workerId: 'w', leaseMs: 5000, now: T0 })
        const [a, b, c] = claimed.map((j) => j.id)

        expect(await store.complete([a], { statusCode: 200, at: T0 + 1 })).toBe(1)
        expect(await store.getJob(a)).toBeNull()

        expect(
          await store.reschedule([b], {
            runAt: T0 + 60_000,
            errorMessage: '429 Too Many Requests',
            statusCode: 429,
            at: T0 + 2,
          }),
        ).toBe(1)
        const rescheduled = await store.getJob(b)
        expect(rescheduled).toMatchObject({
          runAt: T0 + 60_000,
          lastError: '429 Too Many Requests',
          lockedBy: null,
          attempts: 1,
        })
        expect(await store.nextRunAt(q)).toBe(T0 + 5000) // c's lease ends before b is due

        expect(await store.release([c])).toBe(1)
        expect(await store.getJob(c)).toMatchObject({ lockedBy: null, attempts: 0 })
        expect(await store.nextRunAt(q)).toBe(T0)

        const again = await store.claim({ ...q, limit: 10, workerId: 'w', leaseMs: 5000, now: T0 + 10 })
        expect(again.map((j) => j.id)).toEqual([c])
        expect(await store.reclaimExpired(T0 + 100)).toBe(0)
        expect(await store.reclaimExpired(T0 + 5010)).toBe(1)
        expect((await store.getJob(c))?.lockedUntil).toBeNull()
        expect(
          (await store.claim({ ...q, limit: 10, workerId: 'w', leaseMs: 5000, now: T0 + 59_999 })).map(
            (j) => j.id,
          ),
        ).toEqual([c])
        expect(
          (await store.claim({ ...q, limit: 10, workerId: 'w', leaseMs: 5000, now: T0 + 60_000 })).map(
            (j) => j.id,
          ),
        ).toEqual([b])

        const outcomes = (await store.listOutcomes()).reverse()
        expect(outcomes).toMatchObject([
          {
            outcome: 'delivered',
            statusCode: 200,
            jobId: a,
            at: T0 + 1,
            destinationId: 'dest',
            mappingId: 'map',
          },
          { outcome: 'retrying', statusCode: 429, jobId: b, errorMessage: '429 Too Many Requests' },
        ])
        // Each outcome keeps what its job sends (the job's payload, as JSON text).
        expect(outcomes.map((o) => JSON.parse(o.payload ?? 'null') as unknown)).toEqual([
          { id: 'a' },
          { id: 'b' },
        ])
      })

      it('expedites the jobs waiting for a retry, not the leased ones', async () => {
        const q = { destinationId: 'dest', endpoint: 'events/track' }
        const [waiting, leased] = await store.enqueue(
          [job({ messageId: 'waiting', runAt: T0 + 60_000 }), job({ messageId: 'leased' })],
          T0,
        )
        await store.enqueue(
          [job({ messageId: 'elsewhere', endpoint: 'users/update', runAt: T0 + 60_000 })],
          T0,
        )
        const claimed = await store.claim({ ...q, limit: 10, workerId: 'w', leaseMs: 5000, now: T0 })
        expect(claimed.map((j) => j.id)).toEqual([leased])
        expect(await store.expedite(q, T0 + 10)).toBe(1)
        expect((await store.getJob(waiting))?.runAt).toBe(T0 + 10)
        expect((await store.getJob(leased))?.lockedBy).toBe('w')
        const now = await store.claim({ ...q, limit: 10, workerId: 'w', leaseMs: 5000, now: T0 + 10 })
        expect(now.map((j) => j.id)).toEqual([waiting])
        // Another queue keeps its schedule.
        const other = {
          ...q,
          endpoint: 'users/update',
          limit: 10,
          workerId: 'w',
          leaseMs: 5000,
          now: T0 + 10,
        }
        expect(await store.claim(other)).toHaveLength(0)
      })

      it('holds a user’s later events behind an earlier pending barrier (identify first)', async () => {
        const [early, identify, later, otherUser, unordered] = await store.enqueue(
          [
            job({ messageId: 'early', orderingKey: 'u1' }),
            job({
              messageId: 'identify',
              endpoint: 'users/update',
              orderingKey: 'u1',
              isBarrier: true,
              action: 'upsertUser',
            }),
            job({ messageId: 'later', orderingKey: 'u1' }),
            job({ messageId: 'other', orderingKey: 'u2' }),
            job({ messageId: 'unordered' }),
          ],
          T0,
        )
        const q = { destinationId: 'dest', endpoint: 'events/track', workerId: 'w', leaseMs: 1000, limit: 10 }
        expect((await store.claim({ ...q, now: T0 })).map((j) => j.id)).toEqual([early, otherUser, unordered])
        await store.complete([early, otherUser, unordered])
        // Claiming, rescheduling or even leasing the barrier does not release it: only completion does.
        const barrier = await store.claim({ ...q, endpoint: 'users/update', now: T0 })
        expect(barrier.map((j) => j.id)).toEqual([identify])
        expect(barrier[0].isBarrier).toBe(true)
        await store.reschedule([identify], { runAt: T0 + 5000, errorMessage: '503' })
        expect(await store.claim({ ...q, now: T0 + 2000 })).toHaveLength(0)
        await store.complete([identify])
        expect((await store.claim({ ...q, now: T0 + 2000 })).map((j) => j.id)).toEqual([later])
      })

      it('scopes barriers to one destination and one orderingKey', async () => {
        const [, mine] = await store.enqueue(
          [
            job({
              messageId: 'identify-elsewhere',
              destinationId: 'dest2',
              endpoint: 'users/update',
              orderingKey: 'u1',
              isBarrier: true,
            }),
            job({ messageId: 'mine', orderingKey: 'u1' }),
            job({ messageId: 'identify-u2', endpoint: 'users/update', orderingKey: 'u2', isBarrier: true }),
          ],
          T0,
        )
        const claimed = await store.claim({
          destinationId: 'dest',
          endpoint: 'events/track',
          workerId: 'w',
          leaseMs: 1000,
          limit: 10,
          now: T0,
        })
        expect(claimed.map((j) => j.id)).toEqual([mine])
      })

      it('releases held jobs when the barrier is dead-lettered', async () => {
        const [identify, later] = await store.enqueue(
          [
            job({ messageId: 'identify', endpoint: 'users/update', orderingKey: 'u1', isBarrier: true }),
            job({ messageId: 'later', orderingKey: 'u1' }),
          ],
          T0,
        )
        const q = {
          destinationId: 'dest',
          endpoint: 'events/track',
          workerId: 'w',
          leaseMs: 1000,
          limit: 10,
          now: T0,
        }
        expect(await store.claim(q)).toHaveLength(0)
        await store.deadLetter([identify], {
          reason: 'bad request',
          code: 'http_400',
          statusCode: 400,
          at: T0,
        })
        expect((await store.claim(q)).map((j) => j.id)).toEqual([later])
      })

      it('never hands one job to two concurrent claimers', async () => {
        const total = 600
        await store.enqueue(
          Array.from({ length: total }, (_, i) =>
            job({ messageId: `m${i}`, orderingKey: i % 7 === 0 ? `u${i}` : null }),
          ),
          T0,
        )
        const others = [await second(), await second()]
        const claimers = [store, ...others]
        const seen: number[] = []
        await Promise.all(
          claimers.map(async (s, n) => {
            for (;;) {
              const jobs = await s.claim({
                destinationId: 'dest',
                endpoint: 'events/track',
                limit: 25,
                workerId: `w${n}`,
                leaseMs: 60_000,
              })
              if (jobs.length === 0) return
              for (const j of jobs) seen.push(j.id)
              await new Promise((r) => setImmediate(r))
            }
          }),
        )
        expect(seen).toHaveLength(total)
        expect(new Set(seen).size).toBe(total)
      })

      it('reports queues, depth, readiness and oldest age', async () => {
        await store.enqueue([job({ messageId: 'a' }), job({ messageId: 'b', runAt: T0 + 1000 })], T0)
        await store.enqueue([job({ messageId: 'c', endpoint: 'users/update' })], T0 + 50)
        await store.claim({
          destinationId: 'dest',
          endpoint: 'users/update',
          limit: 1,
          workerId: 'w',
          leaseMs: 1000,
          now: T0 + 50,
        })
        expect(await store.listQueues()).toEqual([
          { destinationId: 'dest', endpoint: 'events/track' },
          { destinationId: 'dest', endpoint: 'users/update' },
        ])
        expect(await store.queueStats(T0 + 100)).toEqual([
          {
            destinationId: 'dest',
            endpoint: 'events/track',
            depth: 2,
            ready: 1,
            leased: 0,
            oldestEnqueuedAt: T0,
          },
          {
            destinationId: 'dest',
            endpoint: 'users/update',
            depth: 1,
            ready: 0,
            leased: 1,
            oldestEnqueuedAt: T0 + 50,
          },
        ])
        expect(await store.nextRunAt({ destinationId: 'dest', endpoint: 'nothing' })).toBeNull()
      })
    })

    describe('dead letters', () => {
      async function seedDead(): Promise<number[]> {
        const ids = await store.enqueue(
          [
            job({ messageId: 'd1', mappingId: 'm1' }),
            job({ messageId: 'd2', mappingId: 'm2', batchKey: 'bk' }),
            job({ messageId: 'd3', mappingId: 'm1', destinationId: 'dest2' }),
          ],
          T0,
        )
        await store.claim({
          destinationId: 'dest',
          endpoint: 'events/track',
          limit: 10,
          workerId: 'w',
          leaseMs: 1000,
          now: T0,
        })
        await store.deadLetter([ids[0]], {
          reason: 'Invalid email',
          code: 'http_400',
          statusCode: 400,
          at: T0 + 1000,
        })
        await store.deadLetter([ids[1]], {
          reason: 'Retry window exceeded',
          code: 'retry_window',
          at: T0 + 2000,
        })
        await store.deadLetter([ids[2]], {
          reason: 'Invalid email',
          code: 'http_400',
          statusCode: 400,
          at: T0 + 3000,
        })
        return ids
      }

      it('moves jobs to dead letters with their reason and filters them', async () => {
        const ids = await seedDead()
        expect(await store.getJob(ids[0])).toBeNull()
        const all = await store.listDeadLetters()
        expect(all.items.map((d) => d.messageId)).toEqual(['d1', 'd2', 'd3'])
        expect(all.nextCursor).toBeNull()
        expect(all.items[1]).toMatchObject({
          jobId: ids[1],
          batchKey: 'bk',
          attempts: 1,
          reason: 'Retry window exceeded',
          code: 'retry_window',
          deadAt: T0 + 2000,
          replayedAt: null,
        })
        const ms = (f: Parameters<Store['listDeadLetters']>[0]) =>
          store.listDeadLetters(f).then((p) => p.items.map((d) => d.messageId))
        expect(await ms({ destinationId: 'dest' })).toEqual(['d1', 'd2'])
        expect(await ms({ mappingId: 'm1' })).toEqual(['d1', 'd3'])
        expect(await ms({ code: 'http_400' })).toEqual(['d1', 'd3'])
        expect(await ms({ reasonContains: 'window' })).toEqual(['d2'])
        expect(await ms({ from: T0 + 2000, to: T0 + 3000 })).toEqual(['d2'])
        const page1 = await store.listDeadLetters({}, { limit: 2 })
        expect(page1.items).toHaveLength(2)
        const page2 = await store.listDeadLetters({}, { limit: 2, after: page1.nextCursor! })
        expect(page2.items.map((d) => d.messageId)).toEqual(['d3'])
        expect(page2.nextCursor).toBeNull()
        expect((await store.getDeadLetter(page2.items[0].id))?.statusCode).toBe(400)
        expect(await store.listOutcomes({ messageId: 'd1' })).toMatchObject([
          { outcome: 'dead', errorCode: 'http_400', errorMessage: 'Invalid email', payload: '{"id":"d1"}' },
        ])
      })

      it('replays by ids and by filter into fresh ready jobs, once', async () => {
        await seedDead()
        const [d1] = (await store.listDeadLetters()).items
        expect(await store.replayDeadLetters({ ids: [d1.id] }, T0 + 10_000)).toBe(1)
        expect(await store.replayDeadLetters({ ids: [d1.id] }, T0 + 10_001)).toBe(0)
        expect((await store.getDeadLetter(d1.id))?.replayedAt).toBe(T0 + 10_000)
        expect((await store.listDeadLetters()).items.map((d) => d.messageId)).toEqual(['d2', 'd3'])
        expect((await store.listDeadLetters({ includeReplayed: true })).items).toHaveLength(3)

        expect(await store.replayDeadLetters({ filter: { code: 'http_400' } }, T0 + 20_000)).toBe(1)
        const jobs = await store.claim({
          destinationId: 'dest',
          endpoint: 'events/track',
          limit: 10,
          workerId: 'w',
          leaseMs: 1,
          now: T0 + 20_000,
        })
        expect(jobs).toHaveLength(1)
        expect(jobs[0]).toMatchObject({
          messageId: 'd1',
          attempts: 1,
          firstEnqueuedAt: T0 + 10_000,
          mappingId: 'm1',
        })
        const dest2 = await store.claim({
          destinationId: 'dest2',
          endpoint: 'events/track',
          limit: 10,
          workerId: 'w',
          leaseMs: 1,
          now: T0 + 20_000,
        })
        expect(dest2.map((j) => j.messageId)).toEqual(['d3'])
        expect(dest2[0].firstEnqueuedAt).toBe(T0 + 20_000)
      })

      it('discards by ids and by filter', async () => {
        await seedDead()
        const [d1] = (await store.listDeadLetters()).items
        expect(await store.discardDeadLetters({ ids: [d1.id] })).toBe(1)
        expect(await store.discardDeadLetters({ filter: { destinationId: 'dest2' } })).toBe(1)
        expect((await store.listDeadLetters()).items.map((d) => d.messageId)).toEqual(['d2'])
      })
    })

    describe('logs', () => {
      it('counts outcomes by mapping, action and outcome over time buckets', async () => {
        const ids = await store.enqueue(
          [
            job({ messageId: 'a' }),
            job({ messageId: 'b' }),
            job({ messageId: 'c', mappingId: 'm2', action: 'upsertUser' }),
          ],
          T0,
        )
        await store.complete([ids[0], ids[1]], { statusCode: 200, at: T0 + 10 })
        await store.reschedule([ids[2]], { runAt: T0, errorMessage: '500', at: T0 + 60_010 })
        await store.complete([ids[2]], { at: T0 + 60_020 })
        const counts = await store.outcomeCounts({ from: T0, to: T0 + 120_000, bucketMs: 60_000 })
        expect(counts).toEqual([
          {
            bucketStart: T0,
            destinationId: 'dest',
            mappingId: 'map',
            action: 'trackEvent',
            outcome: 'delivered',
            count: 2,
          },
          {
            bucketStart: T0 + 60_000,
            destinationId: 'dest',
            mappingId: 'm2',
            action: 'upsertUser',
            outcome: 'delivered',
            count: 1,
          },
          {
            bucketStart: T0 + 60_000,
            destinationId: 'dest',
            mappingId: 'm2',
            action: 'upsertUser',
            outcome: 'retrying',
            count: 1,
          },
        ])
        expect(
          await store.outcomeCounts({ from: T0, to: T0 + 60_000, bucketMs: 60_000, destinationId: 'nope' }),
        ).toEqual([])
        expect(
          await store.outcomeCounts({ from: T0 + 60_000, to: T0 + 120_000, bucketMs: 60_000 }),
        ).toHaveLength(2)
      })

      it('finds events and outcomes by messageId and by user', async () => {
        await store.ingest({
          sourceId: 'src',
          receivedAt: T0,
          events: [...events(['u1a', 'u1b'], 'user-1'), ...events(['u2a'], 'user-2')],
          route: (acc) => ({
            jobs: acc.map((a) => job({ messageId: a.messageId, eventId: a.eventId, orderingKey: 'user-1' })),
          }),
        })
        const jobs = await store.claim({
          destinationId: 'dest',
          endpoint: 'events/track',
          limit: 10,
          workerId: 'w',
          leaseMs: 1000,
          now: T0,
        })
        await store.complete([jobs[0].id], { statusCode: 200, at: T0 + 5 })
        const found = await store.lookupEvent('u1a')
        expect(found.events[0]).toMatchObject({
          sourceId: 'src',
          messageId: 'u1a',
          receivedAt: T0,
          userKey: 'user-1',
        })
        expect(found.outcomes).toMatchObject([
          { outcome: 'delivered', eventId: found.events[0].id, userKey: 'user-1', payload: '{"id":"u1a"}' },
        ])
        expect((await store.findEventsByUser('user-1')).map((e) => e.messageId)).toEqual(['u1b', 'u1a'])
        expect(await store.lookupEvent('nope')).toEqual({ events: [], outcomes: [] })
        expect(await store.listOutcomes({ outcome: 'delivered' })).toHaveLength(1)
        expect(await store.listOutcomes({ outcome: 'dead' })).toHaveLength(0)
        expect(await store.listOutcomes({ jobId: jobs[0].id, destinationId: 'dest' })).toHaveLength(1)
      })

      it('lists stored events of a time range in arrival order, by source and id range, page by page', async () => {
        await store.ingest({ sourceId: 'src', receivedAt: T0, events: events(['r1', 'r2']) })
        await store.ingest({ sourceId: 'other', receivedAt: T0 + 10, events: events(['r3']) })
        await store.ingest({ sourceId: 'src', receivedAt: T0 + 20, events: events(['r4', 'r5']) })
        const ids = (list: { messageId: string }[]): string[] => list.map((e) => e.messageId)
        expect(ids(await store.listEvents({ limit: 100 }))).toEqual(['r1', 'r2', 'r3', 'r4', 'r5'])
        expect(ids(await store.listEvents({ from: T0 + 10, limit: 100 }))).toEqual(['r3', 'r4', 'r5'])
        expect(ids(await store.listEvents({ from: T0, to: T0 + 20, limit: 100 }))).toEqual(['r1', 'r2', 'r3'])
        expect(ids(await store.listEvents({ sourceId: 'src', limit: 100 }))).toEqual(['r1', 'r2', 'r4', 'r5'])
        expect(await store.listEvents({ from: T0 + 21, limit: 100 })).toEqual([])
        expect(await store.eventIdRange({ from: T0 + 30 })).toBeNull()
        const range = await store.eventIdRange({ from: T0 + 5, to: T0 + 21 })
        const all = await store.listEvents({ limit: 100 })
        expect(range).toEqual({ firstId: all[2].id, lastId: all[4].id })
        expect(ids(await store.listEvents({ afterId: all[0].id, lastId: all[3].id, limit: 100 }))).toEqual([
          'r2',
          'r3',
          'r4',
        ])
        const first = await store.listEvents({ sourceId: 'src', limit: 2 })
        expect(ids(first)).toEqual(['r1', 'r2'])
        const next = await store.listEvents({ sourceId: 'src', afterId: first[1].id, limit: 2 })
        expect(ids(next)).toEqual(['r4', 'r5'])
        expect(next[0]).toMatchObject({ sourceId: 'src', receivedAt: T0 + 20 })
        expect(JSON.parse(next[0].body)).toBeTruthy()
      })

      it('lists the open jobs of events (event lookup), and none once they are settled', async () => {
        const result = await store.ingest({
          sourceId: 'src',
          receivedAt: T0,
          events: events(['open-1', 'open-2']),
          route: (acc) => ({ jobs: acc.map((a) => job({ messageId: a.messageId, eventId: a.eventId })) }),
        })
        const [first, second] = result.accepted.map((a) => a.eventId)
        expect((await store.jobsOfEvents([first])).map((j) => j.messageId)).toEqual(['open-1'])
        expect((await store.jobsOfEvents([first, second])).map((j) => j.messageId)).toEqual([
          'open-1',
          'open-2',
        ])
        expect(await store.jobsOfEvents([])).toEqual([])
        const claimed = await store.claim({
          destinationId: 'dest',
          endpoint: 'events/track',
          limit: 10,
          workerId: 'w',
          leaseMs: 1000,
          now: T0,
        })
        await store.complete(
          claimed.map((j) => j.id),
          { statusCode: 200, at: T0 + 1 },
        )
        expect(await store.jobsOfEvents([first, second])).toEqual([])
      })

      it('keeps the attempts log within its row and byte caps and truncates huge bodies', async () => {
        store = await reopen({ maxAttemptRows: 5, maxAttemptBytes: 1_000_000, maxAttemptBodyBytes: 100 })
        for (let i = 0; i < 8; i++) {
          await store.recordAttempt({
            destinationId: 'dest',
            endpoint: 'events/trackBulk',
            requestBody: JSON.stringify({ i, events: 'x'.repeat(i === 7 ? 500 : 10) }),
            responseStatus: 200,
            responseBody: '{"msg":"ok"}',
            durationMs: 12.4,
            jobCount: i,
            at: T0 + i,
          })
        }
        const newest = await store.listAttempts({ limit: 1 })
        expect(newest[0]).toMatchObject({ jobCount: 7, responseStatus: 200, durationMs: 12, at: T0 + 7 })
        expect(Buffer.byteLength(newest[0].requestBody)).toBeLessThanOrEqual(100)
        expect(newest[0].requestBody).toContain('[truncated]')
        const result = await store.prune({ now: T0 })
        expect(result.attempts).toBe(3)
        const kept = await store.listAttempts()
        expect(kept.map((a) => a.jobCount)).toEqual([7, 6, 5, 4, 3])
        expect((await store.listAttempts({ before: kept[1].id, limit: 2 })).map((a) => a.jobCount)).toEqual([
          5, 4,
        ])

        store = await reopen({ maxAttemptRows: 100, maxAttemptBytes: 250 })
        await store.prune({ now: T0 })
        const byBytes = await store.listAttempts()
        expect(byBytes.length).toBeGreaterThan(0)
        expect(byBytes.length).toBeLessThan(5)
        expect(byBytes[0].jobCount).toBe(7)
      })
    })

    describe('retention', () => {
      it('prunes events by age and by total size, dedupe keys after the window, outcomes by age and rows', async () => {
        store = await reopen({
          eventRetentionMs: 10 * HOUR,
          maxEventBytes: 10_000,
          dedupeWindowMs: 2 * HOUR,
          outcomeRetentionMs: 10 * HOUR,
          maxOutcomeRows: 2,
        })
        await store.ingest({ sourceId: 's', receivedAt: T0, events: events(['old']) })
        const big = (id: string) => ({ messageId: id, body: JSON.stringify({ id }), size: 4000 })
        await store.ingest({
          sourceId: 's',
          receivedAt: T0 + 5 * HOUR,
          events: [big('b1'), big('b2'), big('b3')],
        })
        const ids = await store.enqueue(
          [job({ messageId: 'o1' }), job({ messageId: 'o2' }), job({ messageId: 'o3' })],
          T0,
        )
        await store.complete([ids[0]], { at: T0 })
        await store.complete([ids[1], ids[2]], { at: T0 + 5 * HOUR })

        const result = await store.prune({ now: T0 + 11 * HOUR })
        // 'old' by age; then b1 by size (b2 + b3 = 8000 <= 10000).
        expect(result.events).toBe(2)
        expect((await store.lookupEvent('old')).events).toHaveLength(0)
        expect((await store.lookupEvent('b1')).events).toHaveLength(0)
        expect((await store.lookupEvent('b3')).events).toHaveLength(1)
        // Keys of pruned events past the window go; b2/b3 keep theirs (they index the stored events).
        expect(result.dedupeKeys).toBe(2)
        expect(result.outcomes).toBe(1)
        expect(await store.listOutcomes({ messageId: 'o3' })).toHaveLength(1)
        expect(await store.listOutcomes({ messageId: 'o1' })).toHaveLength(0)
        // Past the dedupe window, an id is accepted again even while its key still exists.
        expect(
          (await store.ingest({ sourceId: 's', receivedAt: T0 + 11 * HOUR, events: events(['b2']) }))
            .duplicates,
        ).toEqual([])

        expect(await store.prune({ now: T0 + 11 * HOUR })).toEqual({
          events: 0,
          dedupeKeys: 0,
          outcomes: 0,
          attempts: 0,
        })
      })

      it('keeps pending jobs and dead letters working after their event is pruned', async () => {
        store = await reopen({ eventRetentionMs: HOUR })
        await store.ingest({
          sourceId: 's',
          receivedAt: T0,
          events: events(['e1']),
          route: (acc) => ({ jobs: [job({ messageId: 'e1', eventId: acc[0].eventId })] }),
        })
        await store.prune({ now: T0 + 2 * HOUR })
        expect((await store.lookupEvent('e1')).events).toHaveLength(0)
        const [claimed] = await store.claim({
          destinationId: 'dest',
          endpoint: 'events/track',
          limit: 1,
          workerId: 'w',
          leaseMs: 1,
          now: T0 + 2 * HOUR,
        })
        expect(JSON.parse(claimed.payload)).toEqual({ id: 'e1' })
      })
    })
  })
}
