// syncAudience against the reference: every vector of test/iterable/lists-vectors/ (recorded from
// Segment's iterable-audiences action by bench/reference/record-lists-vectors.mjs) through preview,
// single mode (previewEvent) or batch mode (a --batch PreviewSession). The same requests, or the same
// error message, except where a vector names one of the differences of docs/destination.md (L1–L4),
// which are asserted as documented.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config/load.js'
import { previewEvent } from '../../src/preview/preview-event.js'
import { PreviewSession } from '../../src/preview/session.js'

interface RecordedRequest {
  method: string
  url: string
  body?: Record<string, unknown>
}

interface Vector {
  name: string
  mode: 'single' | 'batch'
  difference?: 'L1' | 'L2' | 'L3' | 'L4'
  settings: { apiKey: string; iterableProjectType?: string; dataCenterLocation?: string }
  mapping: Record<string, unknown>
  events: Array<Record<string, unknown>>
  answers?: unknown[]
  expected: {
    requests: RecordedRequest[]
    outcomes: Array<{ status?: number | null; error?: string }>
  }
}

const DIR = path.join(import.meta.dirname, 'lists-vectors')
const vectors: Vector[] = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as Vector)

/** The vector's settings as this project names them (projectType for the reference's iterableProjectType). */
function configOf(vector: Vector, batching: boolean) {
  const { apiKey, iterableProjectType, dataCenterLocation } = vector.settings
  const settings = {
    apiKey,
    ...(iterableProjectType !== undefined ? { projectType: iterableProjectType } : {}),
    ...(dataCenterLocation !== undefined ? { dataCenterLocation } : {}),
  }
  const mapping = {
    name: 'lists',
    trigger: 'type = "identify" or type = "track"',
    action: 'syncAudience',
    fields: vector.mapping,
    batching: { enabled: batching },
  }
  return parseConfig({ destinations: [{ name: 'iterable', settings, mappings: [mapping] }] }, 'test', {
    preview: true,
  })
}

interface Ours {
  requests: RecordedRequest[]
  /** Per event: its error message, if it has one. */
  errors: Array<string | undefined>
}

function runSingle(vector: Vector): Ours {
  const line = previewEvent(configOf(vector, false), vector.events[0]) as { results: any[] }
  const result = line.results[0]
  if (result.error !== undefined) return { requests: [], errors: [result.error.message] }
  const requests = (result.requests as RecordedRequest[]).map(({ method, url, body }) => ({
    method,
    url,
    ...(body !== undefined ? { body } : {}),
  }))
  return { requests, errors: [undefined] }
}

function runBatch(vector: Vector): Ours {
  const session = new PreviewSession(configOf(vector, true), { batch: true })
  const lines = vector.events.flatMap((event, i) => session.push(JSON.stringify(event), i + 1))
  lines.push(...session.finish())
  const requests: RecordedRequest[] = []
  const errors = new Map<string, string>()
  for (const parsed of lines.map((text) => JSON.parse(text))) {
    if (parsed.request !== undefined) {
      requests.push({ method: parsed.request.method, url: parsed.request.url, body: parsed.request.body })
    }
    for (const result of parsed.results ?? []) {
      if (result.error !== undefined) errors.set(parsed.messageId, result.error.message)
    }
  }
  return { requests, errors: vector.events.map((event) => errors.get(event.messageId as string)) }
}

const run = (vector: Vector): Ours => (vector.mode === 'batch' ? runBatch(vector) : runSingle(vector))
const referenceErrors = (vector: Vector) => vector.expected.outcomes.map((o) => o.error)

/** Requests sort by URL, then body, for comparing sets (the reference sends subscribes first). */
const sorted = (requests: RecordedRequest[]) =>
  [...requests].sort((a, b) => (a.url + JSON.stringify(a.body)).localeCompare(b.url + JSON.stringify(b.body)))

describe('syncAudience matches the reference vectors', () => {
  it('has vectors of both modes, with and without differences', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(20)
    expect(vectors.some((v) => v.mode === 'batch')).toBe(true)
    expect(new Set(vectors.map((v) => v.difference).filter(Boolean))).toEqual(
      new Set(['L1', 'L2', 'L3', 'L4']),
    )
  })

  // Iterable's own answers (a 400, a 429, a partial failure) are delivery's, not preview's: for those
  // vectors the requests are compared here, the outcomes in test/delivery/sync-audience.test.ts.
  for (const vector of vectors.filter((v) => v.difference === undefined || v.difference === 'L3')) {
    it(`${vector.name}: same requests and messages`, () => {
      const ours = run(vector)
      expect(sorted(ours.requests)).toEqual(sorted(vector.expected.requests))
      if (vector.answers === undefined && vector.difference === undefined) {
        // Refusals before sending: the reference's validation and payload messages, word for word.
        const refused = vector.expected.outcomes.map((o) => (o.status === 200 ? undefined : o.error))
        expect(ours.errors).toEqual(refused)
      }
    })
  }

  it('L1: a batch of two lists goes to each list (the reference sends both to the first)', () => {
    const vector = vectors.find((v) => v.name === 'batch-two-lists') as Vector
    expect(vector.expected.requests).toHaveLength(1)
    const ours = run(vector)
    expect(ours.requests.map((r) => r.body?.listId).sort()).toEqual([1234, 5678])
    for (const request of ours.requests) {
      const subscribers = request.body?.subscribers as Array<{ userId: string }>
      expect(subscribers.map((s) => s.userId)).toEqual([request.body?.listId === 1234 ? 'u1' : 'u2'])
    }
  })

  it('L2: the europe data center is sent to api.eu.iterable.com (the reference always uses the US)', () => {
    const vector = vectors.find((v) => v.name === 'europe-is-sent-to-us') as Vector
    expect(vector.expected.requests[0].url).toBe('https://api.iterable.com/api/lists/subscribe')
    const ours = run(vector)
    expect(ours.requests).toEqual([
      { ...vector.expected.requests[0], url: 'https://api.eu.iterable.com/api/lists/subscribe' },
    ])
  })

  it('L4: without an external audience id the list is looked up by the audience key', () => {
    const vector = vectors.find((v) => v.name === 'list-id-missing') as Vector
    expect(referenceErrors(vector)).toEqual([
      "The root value is missing the required field 'segmentAudienceId'.",
    ])
    const ours = run(vector)
    expect(ours.errors).toEqual([undefined])
    expect(ours.requests).toEqual([
      { method: 'GET', url: 'https://api.iterable.com/api/lists' },
      {
        method: 'POST',
        url: 'https://api.iterable.com/api/lists/subscribe',
        body: { subscribers: [{ email: 'ada@example.com', userId: 'user-1' }] },
      },
    ])
  })
})
