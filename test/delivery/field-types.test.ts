// Field types Iterable has refused are remembered per project: later batches keep the offending
// items back (dead letters with the earlier answer's reason) instead of spending a bulk request that
// Iterable would refuse whole.
import { afterEach, describe, expect, it } from 'vitest'
import { count, createHarness, drained, requestsTo, track, type Harness } from './harness.js'

let harness: Harness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

const emptyQueues = (h: Harness): Promise<boolean> => drained(h.store)

describe('learned field types', () => {
  it('a type Iterable refused once is kept back from later batches without a refused request', async () => {
    harness = await createHarness()
    const { sandbox, store } = harness
    // 1: `plan` becomes a long for the "Upgraded" event.
    await harness.send([track('u1', 'Upgraded', { plan: 3 })])
    await harness.waitFor(() => emptyQueues(harness!))
    // 2: a string arrives: Iterable refuses the batch, the offender is found and dead-lettered.
    const refused = track('u2', 'Upgraded', { plan: 'gold' })
    await harness.send([refused, track('u3', 'Upgraded', { plan: 4 })])
    await harness.waitFor(() => emptyQueues(harness!))
    expect(count(requestsTo(sandbox, '/api/events/trackBulk'), '400')).toBe(1)
    // 3: the same kind of offender again: kept back, the rest sent in one accepted request.
    const later = [
      track('u4', 'Upgraded', { plan: 'silver' }),
      track('u5', 'Upgraded', { plan: 5 }),
      track('u6', 'Upgraded', { plan: 6 }),
    ]
    await harness.send(later)
    await harness.waitFor(() => emptyQueues(harness!))
    const requests = requestsTo(sandbox, '/api/events/trackBulk')
    expect(count(requests, '400')).toBe(1)
    // first write, the re-send without the offender, the third batch without its offender
    expect(count(requests, '200')).toBe(3)
    const project = sandbox.state.project()
    expect(project.findByUserId('u5')?.events).toHaveLength(1)
    expect(project.findByUserId('u4')).toBeUndefined()
    const dead = (await store.listDeadLetters()).items
    expect(dead.map((d) => d.messageId).sort()).toEqual([refused.messageId, later[0].messageId].sort())
    const keptBack = dead.find((d) => d.messageId === later[0].messageId)
    expect(keptBack?.code).toBe('RequestFieldsTypesMismatched')
    expect(keptBack?.reason).toContain("Field 'plan'")
    expect(keptBack?.reason).toMatch(
      /^Not sent: Iterable refused this field type at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\./,
    )
    // Another event name has its own types: a string `plan` there is sent and accepted.
    await harness.send([track('u7', 'Downgraded', { plan: 'bronze' })])
    await harness.waitFor(() => emptyQueues(harness!))
    expect(project.findByUserId('u7')?.events).toHaveLength(1)
  })
  it('a replay the user asked for is sent although the field type was refused earlier (dead letter and event replay)', async () => {
    harness = await createHarness()
    const { sandbox, store, service } = harness
    await harness.send([track('u1', 'Upgraded', { plan: 3 })])
    await harness.waitFor(() => emptyQueues(harness!))
    const refused = track('u2', 'Upgraded', { plan: 'gold' })
    await harness.send([refused, track('u3', 'Upgraded', { plan: 4 })])
    await harness.waitFor(() => emptyQueues(harness!))
    const keptBack = track('u4', 'Upgraded', { plan: 'silver' })
    await harness.send([keptBack])
    await harness.waitFor(() => emptyQueues(harness!))
    const screened = (await store.listDeadLetters()).items.find((d) => d.messageId === keptBack.messageId)
    expect(screened?.statusCode).toBeNull()
    expect(screened?.reason).toMatch(/^Not sent: Iterable refused this field type at /)

    // The user fixes the field in Iterable (here: a fresh sandbox project) and replays.
    sandbox.state.clear()
    const before = count(requestsTo(sandbox, '/api/events/trackBulk'))
    expect(await service.replayDeadLetters({ ids: [screened!.id] })).toBe(1)
    await harness.waitFor(async () => sandbox.state.project().findByUserId('u4') !== undefined)
    expect(sandbox.state.project().findByUserId('u4')?.events).toHaveLength(1)
    expect(count(requestsTo(sandbox, '/api/events/trackBulk'))).toBe(before + 1)

    // An event replay is sent too: Iterable (which learned `plan` as a long again) answers for itself.
    sandbox.state.clear()
    await harness.send([track('u5', 'Upgraded', { plan: 5 })])
    await harness.waitFor(() => emptyQueues(harness!))
    expect(count(requestsTo(sandbox, '/api/events/trackBulk'), '400')).toBe(1)
    const original = (await store.lookupEvent(refused.messageId as string)).events[0]
    expect(await service.replayEvents([original])).toBe(1)
    await harness.waitFor(() => emptyQueues(harness!))
    expect(count(requestsTo(sandbox, '/api/events/trackBulk'), '400')).toBe(2)
  })
})
