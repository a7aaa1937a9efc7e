// Conformance, migration 004: a schema-3 database (jobs, old payloads {p,b,k,v,s,i,f}, one ordering
// key) is converted on open: pending jobs become parked items (ordinal = -job id), every
// destination's cursor starts at the log head, dead letters and outcome payloads take the new form,
// counters are backfilled and delivered outcome rows go. The SQL is plain enough for both dialects.
import { expect, it } from 'vitest'
import { MINUTE, T0, type StoreContext } from './fixtures.js'

const track = JSON.stringify({ p: '/api/events/track', i: { eventName: 'Clicked', userId: 'user-1' } })
const trackBulk = JSON.stringify({
  p: '/api/events/track',
  b: '/api/events/trackBulk',
  k: 'events',
  s: 500,
  i: { eventName: 'Viewed', email: 'ann@example.com' },
})
const followUp = {
  method: 'POST',
  path: '/api/users/updateEmail',
  body: { currentEmail: 'x@y.z', newEmail: 'w@y.z' },
}
const usersBulk = JSON.stringify({
  p: '/api/users/update',
  b: '/api/users/bulkUpdate',
  k: 'users',
  v: { updateOnly: true },
  s: 1000,
  i: { email: 'x@y.z' },
  f: [followUp],
})
const deadBulk = JSON.stringify({
  p: '/api/events/track',
  b: '/api/events/trackBulk',
  k: 'events',
  s: 1000,
  i: { eventName: 'Bought' },
})

const JOB_COLUMNS = `destination_id, endpoint, mapping_id, event_id, message_id, action, ordering_key, is_barrier,
  batch_key, payload, attempts, run_at, first_enqueued_at, last_error`
const OUTCOME_COLUMNS = `at, outcome, destination_id, mapping_id, action, event_id, message_id, user_key, job_id,
  status_code, error_code, error_message, payload`

const SCHEMA_3_ROWS = `
INSERT INTO destinations (id, name, kind, settings, api_key_sealed, enabled, created_at, updated_at)
VALUES ('dest', 'D', 'iterable', '{}', NULL, TRUE, ${T0}, ${T0});
INSERT INTO events (source_id, message_id, received_at, size, user_key, body)
VALUES ('src', 'm1', ${T0}, 2, 'user-1', '{}'), ('src', 'm2', ${T0}, 2, NULL, '{}'), ('src', 'm3', ${T0}, 2, NULL, '{}');
INSERT INTO dedupe_keys (message_id, source_id, seen_at, event_id)
VALUES ('m1', 'src', ${T0}, 1), ('m2', 'src', ${T0}, 2), ('m3', 'src', ${T0}, 3);
INSERT INTO jobs (${JOB_COLUMNS}) VALUES
  ('dest', '/api/events/track', 'map', 1, 'm1', 'trackEvent', 'user-1', FALSE, NULL, '${track}', 2, ${T0 + 5000},
   ${T0}, '503 Service Unavailable'),
  ('dest', '/api/events/trackBulk', 'map', 2, 'm2', 'trackEvent', 'Ann@Example.com', FALSE, 'trackBulk:map',
   '${trackBulk}', 0, ${T0}, ${T0}, NULL),
  ('dest', '/api/users/bulkUpdate', 'up', NULL, 'm9', 'upsertUser', NULL, TRUE, NULL, '${usersBulk}', 0, ${T0},
   ${T0 + 1}, NULL);
INSERT INTO dead_letters (job_id, destination_id, endpoint, mapping_id, event_id, message_id, action, ordering_key,
                          is_barrier, batch_key, payload, attempts, first_enqueued_at, last_error, reason, code,
                          status_code, dead_at, replayed_at)
VALUES (7, 'dest', '/api/events/trackBulk', 'map', 3, 'm3', 'trackEvent', 'user-3', FALSE, 'bk', '${deadBulk}', 5,
        ${T0}, '503', 'Retry window exceeded', 'retry_window', 503, ${T0 + 1000}, NULL);
INSERT INTO outcomes (${OUTCOME_COLUMNS}) VALUES
  (${T0 + 10}, 'delivered', 'dest', 'map', 'trackEvent', 1, 'm1', 'user-1', 9, 200, NULL, NULL, '${track}'),
  (${T0 + 20}, 'delivered', 'dest', 'map', 'trackEvent', 1, 'm1', 'user-1', 10, 200, NULL, NULL, '${track}'),
  (${T0 + 30}, 'retrying', 'dest', 'map', 'trackEvent', 1, 'm1', 'user-1', 1, 503, NULL, '503 Service Unavailable',
   '${track}'),
  (${T0 + 40}, 'failed', 'dest', 'map2', 'updateCart', 2, 'm2', NULL, NULL, NULL, 'validation', 'missing items',
   NULL),
  (${T0 + MINUTE + 5}, 'dead', 'dest', 'map', 'trackEvent', 3, 'm3', 'user-3', 7, 503, 'retry_window',
   'Retry window exceeded', '${deadBulk}');
INSERT INTO attempts (at, destination_id, endpoint, request_body, response_status, response_body, duration_ms,
                      job_count, error, bytes)
VALUES (${T0}, 'dest', '/api/events/track', '{"a":1}', 200, '{"msg":""}', 12, 1, NULL, 20);`

export function migration004Section(ctx: StoreContext): void {
  it('converts jobs, dead letters, outcomes and attempts of a schema-3 database', async () => {
    await ctx.store.close()
    await ctx.harness.migrateTo(3)
    await ctx.harness.execute(SCHEMA_3_ROWS)
    const store = await ctx.reopen()

    expect(await store.logHead()).toBe(3)
    const state = await store.openDelivery('dest', 'o1', { leaseMs: 1000, now: T0 })
    expect(state?.cursor).toBe(3)
    expect(state?.settled).toEqual([])
    const base = {
      destinationId: 'dest',
      held: false,
      waitingForUser: false,
      statusCode: null,
      errorCode: null,
      id: expect.any(Number),
    }
    expect(state?.items.map((item) => ({ ...item, payload: JSON.parse(item.payload) as unknown }))).toEqual([
      {
        ...base,
        eventId: 0, // enqueued outside ingest: no event
        ordinal: -3,
        position: 0,
        messageId: 'm9',
        mappingId: 'up',
        action: 'upsertUser',
        lane: '/api/users/bulkUpdate',
        keys: [],
        payload: {
          path: '/api/users/update',
          bulk: {
            path: '/api/users/bulkUpdate',
            listKey: 'users',
            envelope: { updateOnly: true },
            batchKey: '/api/users/bulkUpdate',
            batchSize: 1000,
          },
          body: { email: 'x@y.z' },
          followUps: [followUp],
        },
        attempts: 0,
        firstEnqueuedAt: T0 + 1,
        runAt: T0,
        lastError: null,
      },
      {
        ...base,
        eventId: 1,
        ordinal: -1,
        position: 1,
        messageId: 'm1',
        mappingId: 'map',
        action: 'trackEvent',
        lane: '/api/events/track',
        keys: ['u:user-1'],
        payload: { path: '/api/events/track', body: { eventName: 'Clicked', userId: 'user-1' } },
        attempts: 2,
        firstEnqueuedAt: T0,
        runAt: T0 + 5000,
        lastError: '503 Service Unavailable',
      },
      {
        ...base,
        eventId: 2,
        ordinal: -2,
        position: 2,
        messageId: 'm2',
        mappingId: 'map',
        action: 'trackEvent',
        lane: '/api/events/trackBulk',
        keys: ['e:ann@example.com'],
        payload: {
          path: '/api/events/track',
          bulk: {
            path: '/api/events/trackBulk',
            listKey: 'events',
            batchKey: 'trackBulk:map',
            batchSize: 500,
          },
          body: { eventName: 'Viewed', email: 'ann@example.com' },
        },
        attempts: 0,
        firstEnqueuedAt: T0,
        runAt: T0,
        lastError: null,
      },
    ])

    const [dead] = (await store.listDeadLetters()).items
    expect({ ...dead, payload: JSON.parse(dead.payload) as unknown }).toEqual({
      id: 1,
      destinationId: 'dest',
      eventId: 3,
      ordinal: -7,
      messageId: 'm3',
      mappingId: 'map',
      action: 'trackEvent',
      lane: '/api/events/trackBulk',
      keys: ['u:user-3'],
      payload: {
        path: '/api/events/track',
        bulk: { path: '/api/events/trackBulk', listKey: 'events', batchKey: 'bk', batchSize: 1000 },
        body: { eventName: 'Bought' },
      },
      attempts: 5,
      firstEnqueuedAt: T0,
      lastError: '503',
      reason: 'Retry window exceeded',
      code: 'retry_window',
      statusCode: 503,
      deadAt: T0 + 1000,
      field: null,
      replayedAt: null,
    })

    // Delivered rows are counted, not kept; the others keep their item identity and payload.
    const outcomes = (await store.listOutcomes()).reverse()
    expect(outcomes.map((o) => [o.outcome, o.eventId, o.ordinal])).toEqual([
      ['retrying', 1, -1],
      ['failed', 2, null],
      ['dead', 3, -7],
    ])
    expect(JSON.parse(outcomes[0].payload ?? 'null')).toEqual({
      path: '/api/events/track',
      body: { eventName: 'Clicked', userId: 'user-1' },
    })
    expect(outcomes[1].payload).toBeNull()
    expect(JSON.parse(outcomes[2].payload ?? 'null')).toMatchObject({
      bulk: { path: '/api/events/trackBulk', batchKey: '/api/events/trackBulk', batchSize: 1000 },
    })
    const counted = await store.outcomeCounts({ from: T0, to: T0 + 2 * MINUTE, bucketMs: MINUTE })
    expect(counted.map((c) => [c.bucketStart - T0, c.mappingId, c.outcome, c.count])).toEqual([
      [0, 'map', 'delivered', 2],
      [0, 'map', 'retrying', 1],
      [0, 'map2', 'failed', 1],
      [MINUTE, 'map', 'dead', 1],
    ])
    expect(await store.listAttempts()).toMatchObject([{ requestBody: '{"a":1}', eventIds: [], jobCount: 1 }])
    expect((await store.lookupEvent('m1')).parked.map((p) => p.ordinal)).toEqual([-1])
    expect((await store.deliveryStats())[0]).toMatchObject({ cursor: 3, behind: 0 })

    // The log goes on after the old events.
    const next = await store.ingest({
      sourceId: 'src',
      receivedAt: T0 + 2000,
      revision: 1,
      events: [{ messageId: 'm4', body: '{}', size: 2 }],
    })
    expect(next.accepted.map((a) => a.eventId)).toEqual([4])
    expect((await store.readLog(3, 10)).map((e) => [e.id, e.revision])).toEqual([[4, 1]])
  })
}
