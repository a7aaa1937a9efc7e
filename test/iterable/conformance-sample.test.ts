// Every event of ../shared/conformance/reference-sample.ndjson through previewEvent with the default
// configuration. Expected = the reference's request after applying ONLY the documented deviations;
// any other difference fails.
import { describe, expect, it } from 'vitest'
import { previewEvent } from '../../src/preview/preview-event.js'
import { USER_AGENT } from '../../src/version.js'
import { readSharedNdjson } from '../helpers/shared.js'

interface ReferenceRequest {
  method: string
  url: string
  headers: Record<string, string>
  json: Record<string, unknown>
}
interface ReferenceCase {
  index: number
  case: string
  preset: string
  partnerAction: string
  event: Record<string, unknown>
  requests?: ReferenceRequest[]
  error?: string
  errorName?: string
}

const cases = readSharedNdjson<ReferenceCase>('conformance/reference-sample.ndjson')

/** D1: `enable_batching` and `batch_size` never reach Iterable. */
function applyD1(body: Record<string, unknown>): Record<string, unknown> {
  const { enable_batching: _e, batch_size: _b, ...rest } = body
  return rest
}

/** D13: a purchase without an order id is sent with the event's messageId as `id`. */
function applyD13(body: Record<string, unknown>, event: Record<string, unknown>): Record<string, unknown> {
  return body.id === undefined ? { ...body, id: event.messageId } : body
}

function expectedBody(c: ReferenceCase, body: Record<string, unknown>): Record<string, unknown> {
  let expected = applyD1(body)
  if (c.partnerAction === 'trackPurchase') expected = applyD13(expected, c.event)
  // D2–D5 change nothing in this sample (UTC reference, phones mapped, valid dates, timestamps set);
  // the equality below proves it.
  return expected
}

describe('reference-sample.ndjson through preview (default config)', () => {
  it('has the 20 cases, 5 per preset', () => {
    expect(cases).toHaveLength(20)
    expect(new Set(cases.map((c) => c.preset)).size).toBe(4)
  })

  it.each(cases.map((c) => [`#${c.index} ${c.preset}: ${c.case}`, c] as const))('%s', (_title, c) => {
    const line = previewEvent(undefined, c.event)
    expect(line.messageId).toBe(c.event.messageId)
    expect(line.results).toHaveLength(1)
    const [result] = line.results
    expect(result.mapping).toBe(c.preset)
    expect(result.action).toBe(c.partnerAction)
    if (c.error !== undefined) {
      expect(result).toEqual({
        mapping: c.preset,
        action: c.partnerAction,
        error: { message: c.error, code: 'PAYLOAD_VALIDATION_FAILED' },
      })
      return
    }
    if (!('requests' in result)) throw new Error(`expected requests, got ${JSON.stringify(result)}`)
    const reference = c.requests ?? []
    expect(result.requests).toEqual(
      reference.map((r) => ({
        method: r.method,
        url: r.url,
        headers: { 'content-type': r.headers['content-type'], 'user-agent': USER_AGENT },
        body: expectedBody(c, r.json),
      })),
    )
    // The API key never appears in a preview.
    expect(JSON.stringify(line)).not.toMatch(/api-key/i)
  })
})
