// The admin API's OpenAPI document is generated from the routes' own schemas: it is valid OpenAPI
// 3.1, every registered admin route has a response schema, and every route's answers (successes and
// errors, on a real SQLite store with the sandbox delivering) match their schema with every object
// closed, so a field a handler answers but its shape does not list fails here.
import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  API_KEY,
  TOKEN,
  createAdminHarness,
  registeredAdminRoutes,
  waitFor,
  type AdminHarness,
} from './admin-helpers.js'
import { AnswerChecker, closed, type OpenApiDocument } from './openapi-check.js'

const A = '/api/admin'
let h: AdminHarness
let doc: OpenApiDocument
let check: AnswerChecker

beforeAll(async () => {
  h = await createAdminHarness()
  const response = await h.api('GET', `${A}/openapi.json`, undefined, {})
  expect(response.status).toBe(200)
  doc = response.json as unknown as OpenApiDocument
  check = new AnswerChecker(doc)
})
afterAll(async () => h?.close())

/** Calls an admin route and checks its answer against the document; returns the answer's JSON. */
async function call(
  method: string,
  url: string,
  body?: unknown,
  expectStatus?: number,
  headers?: Record<string, string>,
): Promise<Record<string, unknown>> {
  const response = await h.api(method, `${A}${url}`, body, headers)
  if (expectStatus !== undefined)
    expect(response.status, `${method} ${url}: ${response.body}`).toBe(expectStatus)
  else expect(response.status, `${method} ${url}: ${response.body}`).toBeLessThan(300)
  expect(check.problems(method, `${A}${url}`, response.status, JSON.parse(response.body))).toEqual([])
  return response.json
}

const track = (
  messageId: string,
  userId: string,
  properties: Record<string, unknown>,
  event = 'Upgraded',
) => ({
  type: 'track',
  event,
  userId,
  messageId,
  properties,
})

describe('the generated OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document with the admin token as bearer or X-Admin-Token', async () => {
    const result = await new Validator().validate(structuredClone(doc) as unknown as Record<string, unknown>)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.components.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer' },
      adminToken: { type: 'apiKey', in: 'header', name: 'X-Admin-Token' },
    })
    expect(doc.security).toEqual([{ bearer: [] }, { adminToken: [] }])
    expect(doc.paths[`${A}/openapi.json`].get.security).toEqual([])
  })

  it('gives every registered admin route a response schema for its success and its errors', () => {
    const registered = registeredAdminRoutes(h.app)
    expect(registered.length).toBeGreaterThan(40)
    const missing = registered.filter((route) => {
      const [method, path] = route.split(' ')
      const responses = doc.paths[path]?.[method.toLowerCase()]?.responses ?? {}
      const success = Object.entries(responses).find(([status]) => /^2\d\d$/.test(status))?.[1]
      const hasBody = Object.values(success?.content ?? {}).some((media) => media.schema !== undefined)
      const errors = ['4XX', '5XX'].every(
        (range) =>
          responses[range]?.content?.['application/json']?.schema?.$ref === '#/components/schemas/AdminError',
      )
      return !(hasBody && errors)
    })
    expect(missing).toEqual([])
  })

  it('closes objects when checking, so an unlisted field fails', () => {
    const [where, schema] = check.schemaOf(`GET ${A}/sources`, 200)
    const source = { id: 's', name: 'n', writeKeyHint: '…abcd', active: true, createdAt: 1, revokedAt: null }
    expect(check.validate(where, schema, { items: [source] })).toEqual([])
    expect(check.validate(where, schema, { items: [{ ...source, writeKey: 'leak' }] })).not.toEqual([])
    expect(closed({ type: 'object', properties: { type: { type: 'object', properties: {} } } })).toEqual({
      type: 'object',
      properties: { type: { type: 'object', properties: {}, additionalProperties: false } },
      additionalProperties: false,
    })
  })
})

describe('every admin answer matches its schema (closed)', () => {
  it('answers every route as the document says', { timeout: 60_000 }, async () => {
    const destinationId = h.destination.id
    await call('GET', '/openapi.json', undefined, 200, {})

    // Sources.
    await call('GET', '/sources')
    const created = await call('POST', '/sources', { name: 'schema check' }, 201)
    const newId = (created.source as { id: string }).id
    const rotated = await call('POST', `/sources/${newId}/rotate`)
    await call('POST', `/sources/${(rotated.source as { id: string }).id}/revoke`)

    // Destinations.
    await call('GET', '/destinations')
    await call('GET', `/destinations/${destinationId}`)
    await call('PATCH', `/destinations/${destinationId}`, { settings: { projectType: 'hybrid' } })
    await call('POST', `/destinations/${destinationId}/disable`)
    await call('POST', `/destinations/${destinationId}/enable`)
    await h.store.setDestinationPaused(destinationId, { reason: 'Iterable answered 401', since: Date.now() })
    expect((await call('GET', `/destinations/${destinationId}`)).paused).not.toBeNull()
    await call('POST', `/destinations/${destinationId}/resume`)
    expect((await call('POST', `/destinations/${destinationId}/test-connection`)).ok).toBe(true)
    const refused = await call('POST', `/destinations/${destinationId}/test-connection`, {
      apiKey: 'not-the-right-key-0000',
    })
    expect(refused.ok).toBe(false)
    await call('GET', `/destinations/${destinationId}/subscription-groups?type=emailList`)

    // Catalog.
    await call('GET', '/presets')
    await call('GET', '/actions')
    await call('GET', '/settings-definition')
    expect((await call('POST', '/triggers/validate', { trigger: 'type = "track"' })).ok).toBe(true)
    expect((await call('POST', '/triggers/validate', { trigger: 'type = "track" AND' })).ok).toBe(false)

    // Mappings.
    await call('GET', '/mappings')
    const mapping = await call(
      'POST',
      '/mappings',
      { action: 'trackEvent', name: 'Schema Check', trigger: 'type = "track" and event = "Schema"' },
      201,
    )
    const mappingId = mapping.id as string
    await call('GET', `/mappings/${mappingId}`)
    await call('PATCH', `/mappings/${mappingId}`, { batching: { enabled: false } })
    await call('POST', `/mappings/${mappingId}/disable`)
    await call('POST', `/mappings/${mappingId}/enable`)
    await call('DELETE', `/mappings/${mappingId}`)

    // Events through delivery: a field type Iterable refuses makes a dead letter and outcome lines.
    expect(await h.track(track('oa-1', 'oa-user-1', { plan: 3 }))).toBe(200)
    expect(await h.track(track('oa-2', 'oa-user-2', { plan: 'gold' }))).toBe(200)
    await waitFor(async () => (await h.store.countDeadLetters({})) > 0)
    await call('GET', '/recent-events?limit=5')
    await call('GET', `/recent-events?trigger=${encodeURIComponent('event = "Upgraded"')}`)
    await call('GET', '/events/oa-2')
    await call('GET', '/events?userId=oa-user-1')
    await call('GET', '/event-volume?minutes=10')
    await call('GET', '/waiting-events')
    await call('POST', '/events/replay', { from: Date.now() - 60_000, limit: 1 })

    // Test mapping, previewed and sent.
    const event = track('oa-3', 'oa-user-3', { plan: 3 }, 'Signed Up')
    await call('POST', '/test-mapping', { event })
    // A payload its action refuses: the validation's failure shape.
    const draft = { trigger: 'type = "track"', action: 'trackEvent', fields: { eventName: 'Signed Up' } }
    const anonymous = { type: 'track', event: 'Signed Up', anonymousId: 'anon-1' }
    const refusedDraft = await call('POST', '/test-mapping', { event: anonymous, mapping: draft })
    expect((refusedDraft.results as Array<{ validation: { ok: boolean } }>)[0].validation.ok).toBe(false)
    const sent = await call('POST', '/test-mapping', { event, send: true })
    expect(sent.sent).toBe(true)

    // Deliveries.
    await call('GET', '/deliveries/counts')
    expect(((await call('GET', '/deliveries/outcomes')).items as unknown[]).length).toBeGreaterThan(0)
    await call('GET', '/deliveries/attempts?limit=5')
    await call('GET', '/queues')
    await call('GET', '/cluster')

    // Dead letters.
    const letters = (await call('GET', '/dead-letters')).items as Array<{ id: number }>
    expect(letters.length).toBeGreaterThan(0)
    await call('GET', '/dead-letters/groups')
    await call('GET', `/dead-letters/${letters[0].id}`)
    await call('POST', '/dead-letters/replay', { ids: [letters[0].id] })
    await call('POST', '/dead-letters/discard', { ids: [letters[0].id] })

    // Configuration.
    const exported = await call('GET', '/config')
    await call('PUT', '/config?dryRun=true&serverEnv=false', {
      ...exported,
      destinations: (exported.destinations as Array<Record<string, unknown>>).map((d) => ({
        ...d,
        settings: { ...(d.settings as object), apiKey: API_KEY },
      })),
    })

    // Users.
    await call('POST', '/users/forget', { userId: 'oa-gone' })
    await call('POST', '/users/unforget', { userId: 'oa-gone' })
    await call('POST', '/users/delete', { userId: 'oa-gone' })
    await call('GET', '/users/privacy-actions')

    // Errors: one shape for each.
    await call('GET', '/sources', undefined, 401, {})
    const unknown = await h.api('GET', `${A}/no-such-route`)
    expect(unknown.status).toBe(404)
    expect(check.validate('AdminError', check.component('AdminError'), unknown.json)).toEqual([])
    await call('GET', '/mappings/not-a-mapping', undefined, 404)
    await call('POST', '/sources', { name: 'x', writekey: 'typo' }, 400)
    await call('POST', '/sources', { name: 'taken', writeKey: 'wk_test_write_key_abcdef' }, 409)
    await call('POST', '/test-mapping', 'not json', 400, {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
    })
    expect(check.checked).toBeGreaterThanOrEqual(55)
  })

  it('streams live events whose frames match the shared frame schemas', async () => {
    const operation = `GET ${A}/live-events`
    expect(check.schemaOf(operation, 200, 'text/event-stream')[1]).toMatchObject({ type: 'string' })
    const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
    const abort = new AbortController()
    const response = await fetch(`${base}${A}/live-events?type=track`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      signal: abort.signal,
    })
    expect(response.status).toBe(200)
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    const frames: Array<{ name: string; data: unknown }> = []
    let buffer = ''
    const next = async (): Promise<void> => {
      const { value } = await reader.read()
      buffer += value ?? ''
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const name = /^event: (.*)$/m.exec(block)?.[1]
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (name !== undefined && data !== undefined) frames.push({ name, data: JSON.parse(data) })
      }
    }
    while (!frames.some((f) => f.name === 'ready')) await next()
    expect(await h.track(track('oa-live', 'oa-user-live', { plan: 3 }))).toBe(200)
    while (!frames.some((f) => f.name === 'event')) await next()
    abort.abort()
    const schemaOf = { ready: 'LiveReady', event: 'LiveEvent', missed: 'LiveMissed', error: 'LiveError' }
    for (const frame of frames) {
      const name = schemaOf[frame.name as keyof typeof schemaOf]
      expect(name, frame.name).toBeDefined()
      expect(check.validate(name, check.component(name), frame.data)).toEqual([])
    }
    check.succeeded.add(operation)
  })

  it('called every operation of the document with success', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    )
    expect(operations.filter((operation) => !check.succeeded.has(operation))).toEqual([])
  })
})
