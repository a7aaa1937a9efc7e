import { afterEach, describe, expect, it } from 'vitest'
import { createHarness, identify, requestsTo, count, track, type Harness } from './harness.js'

let harness: Harness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

describe('delivery pipeline', () => {
  it('delivers identify and track events to the sandbox through the bulk endpoints', async () => {
    harness = await createHarness()
    const { sandbox } = harness
    const events = [identify('u1', 'u1@example.com', { plan: 'pro' })]
    for (let i = 0; i < 20; i++) events.push(track('u1', 'Clicked', { n: i }))
    await harness.send(events)
    const project = sandbox.state.project()
    await harness.waitFor(() => (project.findByUserId('u1')?.events.length ?? 0) === 20)
    const user = project.findByUserId('u1')
    expect(user?.email).toBe('u1@example.com')
    expect(user?.dataFields.plan).toBe('pro')
    expect(count(requestsTo(sandbox, '/api/events/trackBulk'), '200')).toBe(1)
    expect(count(requestsTo(sandbox, '/api/users/bulkUpdate'), '200')).toBe(1)
    await harness.waitFor(async () => (await harness!.store.queueStats()).every((q) => q.depth === 0))
  })
})
