import { describe, expect, it } from 'vitest'
import {
  classifyResponse,
  classifyTransportError,
  isRetryableStatus,
  parseRetryAfter,
  statusErrorCode,
  transportFailureReason,
} from '../../src/iterable/client/index.js'

const NOW = Date.parse('2026-11-28T08:00:00Z')

describe('classifyResponse', () => {
  it('trusts the HTTP status: any 2xx is success whatever the body says', () => {
    expect(classifyResponse(200, { code: 'GenericError', msg: 'odd' }, {}, NOW)).toMatchObject({
      kind: 'success',
      policy: 'deliver',
    })
    expect(classifyResponse(204, '', {}, NOW)).toMatchObject({ kind: 'success', code: 'HTTP_204' })
  })

  it('never reads code "Success" on an error status as success', () => {
    for (const status of [400, 401, 404, 429, 500]) {
      const outcome = classifyResponse(status, { code: 'Success', msg: 'x' }, {}, NOW)
      expect(outcome.kind).not.toBe('success')
      expect(outcome.code).toBe(`HTTP_${status}`)
      expect(outcome.iterableCode).toBe('Success')
    }
  })

  it.each([
    [400, 'permanent', 'drop', 'BAD_REQUEST'],
    [401, 'auth', 'pause', 'UNAUTHORIZED'],
    [403, 'permanent', 'drop', 'FORBIDDEN'],
    [404, 'permanent', 'drop', 'NOT_FOUND'],
    [408, 'retryable', 'retry', 'REQUEST_TIMEOUT'],
    [409, 'permanent', 'drop', 'CONFLICT'],
    [413, 'permanent', 'drop', 'PAYLOAD_TOO_LARGE'],
    [422, 'permanent', 'drop', 'UNPROCESSABLE_ENTITY'],
    [423, 'retryable', 'retry', 'LOCKED'],
    [429, 'retryable', 'retry', 'TOO_MANY_REQUESTS'],
    [500, 'retryable', 'retry', 'INTERNAL_SERVER_ERROR'],
    [501, 'permanent', 'drop', 'NOT_IMPLEMENTED'],
    [502, 'retryable', 'retry', 'BAD_GATEWAY'],
    [503, 'retryable', 'retry', 'SERVICE_UNAVAILABLE'],
    [504, 'retryable', 'retry', 'GATEWAY_TIMEOUT'],
    [529, 'retryable', 'retry', 'SITE_IS_OVERLOADED'],
    [599, 'retryable', 'retry', 'UNKNOWN_ERROR'],
    [301, 'permanent', 'drop', 'MOVED_PERMENANTLY'],
  ])('status %i → %s / %s / %s', (status, kind, policy, errorCode) => {
    const outcome = classifyResponse(status, '', {}, NOW)
    expect(outcome).toMatchObject({ kind, policy, errorCode, status, code: `HTTP_${status}` })
    expect(isRetryableStatus(status)).toBe(kind === 'retryable')
  })

  it("carries Iterable's code and msg; the code wins over HTTP_<status>", () => {
    const outcome = classifyResponse(
      400,
      { msg: 'Invalid JSON body', code: 'BadJsonBody', params: {} },
      {},
      NOW,
    )
    expect(outcome).toMatchObject({
      code: 'BadJsonBody',
      iterableCode: 'BadJsonBody',
      iterableMsg: 'Invalid JSON body',
    })
    expect(outcome.message).toBe('Iterable answered 400 BAD_REQUEST (BadJsonBody): Invalid JSON body')
  })

  it("reads the catalog API's { error, message, code } envelope", () => {
    const outcome = classifyResponse(
      404,
      { error: 'NotFound', message: 'Catalog not found: x', code: 'error.catalogs.notFound' },
      {},
      NOW,
    )
    expect(outcome).toMatchObject({ code: 'error.catalogs.notFound', iterableMsg: 'Catalog not found: x' })
  })

  it('classifies by status and code, never by message text', () => {
    const a = classifyResponse(400, { code: 'BadParams', msg: 'Exceeded rate limit. Please retry' }, {}, NOW)
    expect(a.kind).toBe('permanent')
    const b = classifyResponse(503, { code: 'GenericError', msg: 'Invalid API key' }, {}, NOW)
    expect(b.kind).toBe('retryable')
  })

  it('reads Retry-After only on retryable outcomes', () => {
    expect(classifyResponse(429, {}, { 'retry-after': '2' }, NOW).retryAfterMs).toBe(2000)
    expect(classifyResponse(400, {}, { 'retry-after': '2' }, NOW).retryAfterMs).toBeUndefined()
    expect(classifyResponse(503, {}, { 'retry-after': ['5', '9'] }, NOW).retryAfterMs).toBe(5000)
  })
})

describe('parseRetryAfter', () => {
  it('parses delta-seconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0)
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000)
    expect(parseRetryAfter('1.5', NOW)).toBe(1500)
  })

  it('parses an HTTP-date relative to now, clamping the past to 0', () => {
    expect(parseRetryAfter('Sat, 28 Nov 2026 08:00:30 GMT', NOW)).toBe(30_000)
    expect(parseRetryAfter('Sat, 28 Nov 2026 07:59:00 GMT', NOW)).toBe(0)
  })

  it('ignores malformed values', () => {
    for (const value of ['', '-5', 'soon', '12abc', '+3', undefined]) {
      expect(parseRetryAfter(value, NOW)).toBeUndefined()
    }
  })
})

describe('statusErrorCode', () => {
  it('names statuses like the reference', () => {
    expect(statusErrorCode(400)).toBe('BAD_REQUEST')
    expect(statusErrorCode(429)).toBe('TOO_MANY_REQUESTS')
    expect(statusErrorCode(499)).toBe('CANCELLED')
    expect(statusErrorCode(799)).toBe('UNKNOWN_ERROR')
  })
})

describe('classifyTransportError', () => {
  it('reads the reason from error codes', () => {
    expect(transportFailureReason({ code: 'UND_ERR_HEADERS_TIMEOUT' }, false)).toBe('timeout')
    expect(transportFailureReason({ code: 'UND_ERR_CONNECT_TIMEOUT' }, false)).toBe('timeout')
    expect(transportFailureReason({ code: 'UND_ERR_DESTROYED' }, false)).toBe('closed')
    expect(transportFailureReason({ code: 'UND_ERR_ABORTED' }, false)).toBe('aborted')
    expect(transportFailureReason({ code: 'ECONNRESET' }, false)).toBe('network')
    expect(transportFailureReason({ code: 'ECONNRESET' }, true)).toBe('timeout')
    // The message is never read.
    expect(transportFailureReason(new Error('timeout while closed and aborted'), false)).toBe('network')
  })

  it('makes every transport failure retryable with a stable code', () => {
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })
    expect(classifyTransportError(reset)).toMatchObject({
      kind: 'retryable',
      policy: 'retry',
      status: 0,
      code: 'NETWORK_ERROR',
      errorCode: 'NETWORK_ERROR',
      transportCode: 'UND_ERR_SOCKET',
    })
    expect(classifyTransportError(new Error('x'), true, 250)).toMatchObject({
      code: 'TIMEOUT',
      errorCode: 'ETIMEDOUT',
      message: 'Request to Iterable timed out after 250ms',
    })
  })

  it('finds the system code on a wrapped cause', () => {
    const wrapped = new Error('fetch failed', {
      cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
    })
    expect(classifyTransportError(wrapped).transportCode).toBe('ECONNREFUSED')
  })
})
