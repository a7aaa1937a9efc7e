import { afterEach, describe, expect, test } from 'vitest'
import { startSandbox } from '../../src/sandbox/index.js'
import type { RunningSandbox } from '../../src/sandbox/index.js'
import { testSandbox } from './helpers.js'
import type { TestSandbox } from './helpers.js'

let s: TestSandbox | undefined
let running: RunningSandbox | undefined
afterEach(async () => {
  await s?.close()
  await running?.close()
  s = undefined
  running = undefined
})

const update = { email: 'a@example.com' }

describe('injected faults', () => {
  test('failRate: about that share of API requests get the fail status; /_sandbox is never faulted', async () => {
    s = testSandbox({ faults: { failRate: 0.5, failStatus: 502 }, seed: 42 })
    const answers = []
    for (let i = 0; i < 200; i++) answers.push(await s.post('/api/users/update', update))
    const failed = answers.filter((a) => a.status === 502)
    expect(failed.length).toBeGreaterThan(60)
    expect(failed.length).toBeLessThan(140)
    expect(answers.every((a) => a.status === 200 || a.status === 502)).toBe(true)
    expect(failed[0].body.code).toBe('GenericError')
    for (let i = 0; i < 20; i++) expect((await s.get('/_sandbox/stats', { key: null })).status).toBe(200)
  })

  test('faults hit before auth: even a bad key sees the outage', async () => {
    s = testSandbox({ faults: { outageSeconds: 30 } })
    expect((await s.post('/api/users/update', update, { key: 'wrong' })).status).toBe(503)
  })

  test('latency is added to API requests only', async () => {
    s = testSandbox({ faults: { latencyMs: 600 } })
    let t = Date.now()
    expect((await s.post('/api/users/update', update)).status).toBe(200)
    expect(Date.now() - t).toBeGreaterThanOrEqual(590)
    t = Date.now()
    await s.get('/_sandbox/stats', { key: null })
    expect(Date.now() - t).toBeLessThan(500)
  })

  test('outage window: every API request gets 503 until it ends; changed at run time', async () => {
    s = testSandbox()
    const set = await s.post('/_sandbox/faults', { outageSeconds: 1 }, { key: null })
    expect(set.status).toBe(200)
    expect(set.body.outageSeconds).toBe(1)
    const during = await s.post('/api/users/update', update)
    expect(during.status).toBe(503)
    await new Promise((resolve) => setTimeout(resolve, 1050))
    expect((await s.post('/api/users/update', update)).status).toBe(200)
  })

  test('429 storms: throttleSeconds window and throttleRate', async () => {
    s = testSandbox({ seed: 7 })
    await s.post('/_sandbox/faults', { throttleSeconds: 10 }, { key: null })
    const r = await s.post('/api/users/update', update)
    expect(r).toMatchObject({ status: 429, body: { msg: 'Exceeded rate limit.', code: 'RateLimitExceeded' } })
    await s.post('/_sandbox/faults', { clear: true, throttleRate: 1 }, { key: null })
    expect((await s.post('/api/users/update', update)).status).toBe(429)
    await s.post('/_sandbox/faults', { throttleRate: 0 }, { key: null })
    expect((await s.post('/api/users/update', update)).status).toBe(200)
  })

  test('runtime changes through POST /_sandbox/faults; bad values are refused', async () => {
    s = testSandbox()
    const r = await s.post(
      '/_sandbox/faults',
      { failRate: 0.2, latencyMs: 50, outageSeconds: 30 },
      { key: null },
    )
    expect(r.body).toMatchObject({ failRate: 0.2, latencyMs: 50, outageSeconds: 30 })
    expect((await s.get('/_sandbox/faults', { key: null })).body.failRate).toBe(0.2)
    const bad = await s.post('/_sandbox/faults', { failRate: 2 }, { key: null })
    expect(bad.status).toBe(400)
    expect(bad.body.msg).toMatch(/failRate must be a number from 0 to 1/)
    expect((await s.post('/_sandbox/faults', { nope: 1 }, { key: null })).status).toBe(400)
    const cleared = await s.post('/_sandbox/faults', { clear: true }, { key: null })
    expect(cleared.body).toMatchObject({ failRate: 0, latencyMs: 0, outageSeconds: 0 })
    expect((await s.post('/api/users/update', update)).status).toBe(200)
  })

  test('timeouts: the request gets no answer (real HTTP); the sandbox still closes promptly', async () => {
    running = await startSandbox({
      port: 0,
      rateLimits: false,
      faults: { timeoutRate: 1, timeoutHoldMs: 30_000 },
    })
    const started = Date.now()
    const attempt = fetch(`${running.url}/api/users/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Api-Key': running.apiKey },
      body: JSON.stringify(update),
      signal: AbortSignal.timeout(400),
    })
    await expect(attempt).rejects.toThrow()
    expect(Date.now() - started).toBeGreaterThanOrEqual(390)
    // Control routes still answer during a timeout storm.
    const stats = await fetch(`${running.url}/_sandbox/stats`)
    expect(stats.status).toBe(200)
    // Timed-out requests have no status, so they are not counted.
    expect(await stats.json()).toEqual({ endpoints: {} })
    running.setFaults({ timeoutRate: 0 })
    const ok = await fetch(`${running.url}/api/users/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Api-Key': running.apiKey },
      body: JSON.stringify(update),
    })
    expect(ok.status).toBe(200)
  })

  test('timeoutHoldMs: the connection is dropped after the hold', async () => {
    running = await startSandbox({
      port: 0,
      rateLimits: false,
      faults: { timeoutRate: 1, timeoutHoldMs: 100 },
    })
    const started = Date.now()
    await expect(
      fetch(`${running.url}/api/webhooks`, {
        headers: { 'Api-Key': running.apiKey },
        signal: AbortSignal.timeout(2000),
      }),
    ).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(1500)
  })
})
