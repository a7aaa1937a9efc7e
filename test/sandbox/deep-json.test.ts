// Deeply nested JSON against the sandbox (issue 14): 16,000 levels in a few tens of kilobytes used
// to answer 500 (a stack overflow while the value was merged or stored), and 5,000 levels were
// stored, after which every read of that user answered 500. Past behaviour.maxJsonDepth (1024) a
// body is refused with Iterable's 400 BadJsonBody, before anything is stored; the sandbox answers as
// before afterwards.
import { afterEach, describe, expect, it } from 'vitest'
import { testSandbox, type TestSandbox } from './helpers.js'

/** `levels` arrays inside one another. */
const nested = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels)

/** Each route with a body whose dataFields.x nests `levels` arrays (the body nests levels + 2 or + 4). */
const BODIES: Array<[string, (levels: number) => string]> = [
  ['/api/events/track', (n) => `{"email":"a@example.com","eventName":"e","dataFields":{"x":${nested(n)}}}`],
  [
    '/api/events/trackBulk',
    (n) => `{"events":[{"email":"a@example.com","eventName":"e","dataFields":{"x":${nested(n)}}}]}`,
  ],
  ['/api/users/update', (n) => `{"email":"a@example.com","dataFields":{"x":${nested(n)}}}`],
  ['/api/users/bulkUpdate', (n) => `{"users":[{"email":"a@example.com","dataFields":{"x":${nested(n)}}}]}`],
  [
    '/api/commerce/trackPurchase',
    (n) => `{"user":{"email":"a@example.com"},"items":[],"total":1,"dataFields":{"x":${nested(n)}}}`,
  ],
]

let sandbox: TestSandbox
afterEach(async () => {
  await sandbox?.close()
})

describe('sandbox: JSON nested deeper than 1024 levels', () => {
  it.each(BODIES)('%s refuses 5,000 and 16,000 levels with 400 BadJsonBody', async (path, body) => {
    sandbox = testSandbox()
    for (const levels of [5_000, 16_000]) {
      const answer = await sandbox.post(path, body(levels))
      expect(answer.status).toBe(400)
      expect(answer.body).toEqual({
        msg: `[${path}] Invalid JSON body`,
        code: 'BadJsonBody',
        params: { obj: 'JSON nested deeper than 1024 levels' },
      })
    }
    // Nothing was stored: the user does not exist, and reading it answers as for any unknown user.
    const read = await sandbox.get('/api/users/getByEmail?email=a@example.com')
    expect(read.status).toBe(200)
    expect(read.body).toEqual({})
  })

  it('takes 1024 levels (brackets inside strings do not count) and still reads the user back', async () => {
    sandbox = testSandbox()
    // users/update: the body is level 1, dataFields 2, x's arrays 3 … 1024.
    const body = `{"email":"a@example.com","dataFields":{"s":"${'['.repeat(2000)}","x":${nested(1022)}}}`
    expect((await sandbox.post('/api/users/update', body)).status).toBe(200)
    const read = await sandbox.get('/api/users/getByEmail?email=a@example.com')
    expect(read.status).toBe(200)
    expect(read.body.user.dataFields.s).toBe('['.repeat(2000))
    const refused = await sandbox.post('/api/users/update', body.replace(nested(1022), nested(1023)))
    expect(refused.body.code).toBe('BadJsonBody')
  })

  it('takes its limit from behaviour.maxJsonDepth', async () => {
    sandbox = testSandbox({ behaviour: { maxJsonDepth: 4 } })
    const ok = await sandbox.post('/api/users/update', '{"email":"a@example.com","dataFields":{"x":[[]]}}')
    expect(ok.status).toBe(200)
    const refused = await sandbox.post(
      '/api/users/update',
      '{"email":"a@example.com","dataFields":{"x":[[[]]]}}',
    )
    expect(refused.body).toMatchObject({
      code: 'BadJsonBody',
      params: { obj: 'JSON nested deeper than 4 levels' },
    })
  })
})
