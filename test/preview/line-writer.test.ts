import { describe, expect, it } from 'vitest'
import { LineWriter } from '../../src/preview/line-writer.js'
import type { PreviewResult } from '../../src/preview/types.js'

const headers = { 'content-type': 'application/json', 'user-agent': 'ua "quoted"' }

describe('LineWriter', () => {
  it('writes exactly what JSON.stringify writes, for every result shape', () => {
    const writer = new LineWriter()
    const cases: Array<[string, PreviewResult[]]> = [
      ['m0', []],
      [
        'm1 "q"',
        [
          {
            mapping: 'Track "Calls"',
            action: 'trackEvent',
            requests: [
              { method: 'POST', url: 'https://x/api/events/track', headers, body: { a: 'é\u2028', n: 1 } },
            ],
          },
          {
            mapping: 'B',
            action: 'trackEvent',
            error: { message: 'Must include email or userId.', code: 'X' },
          },
        ],
      ],
      [
        'm2',
        [
          {
            destination: 'd',
            mapping: 'I',
            action: 'updateUser',
            requests: [
              {
                method: 'POST',
                url: 'https://x/api/users/update',
                headers,
                body: { userId: 'u', dataFields: {} },
              },
              {
                method: 'POST',
                url: 'https://x/api/users/updateEmail',
                headers,
                body: { newEmail: 'n@x.io' },
              },
            ],
          },
        ],
      ],
    ]
    for (let round = 0; round < 2; round++) {
      for (const [messageId, results] of cases) {
        expect(writer.line(messageId, results)).toBe(JSON.stringify({ messageId, results }))
      }
    }
  })
})
