// Admin API, configuration side: auth on every route, sources, destinations, mappings, catalog,
// OpenAPI, the API key never returned, and one error shape for a table of bad requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  API_KEY,
  createAdminHarness,
  registeredAdminRoutes,
  TOKEN,
  WRITE_KEY,
  type AdminHarness,
} from './admin-helpers.js'

let h: AdminHarness
beforeAll(async () => {
  h = await createAdminHarness()
})
afterAll(async () => {
  await h?.close()
})

const A = '/api/admin'

interface OpenApiDoc {
  openapi: string
  paths: Record<
    string,
    Record<string, { security?: unknown[]; requestBody?: unknown; parameters: Array<{ name: string }> }>
  >
}

describe('auth', () => {
  it('serves the OpenAPI description without a token, listing every resource', async () => {
    const response = await h.api('GET', `${A}/openapi.json`, undefined, {})
    expect(response.status).toBe(200)
    const doc = response.json as unknown as OpenApiDoc
    expect(doc.openapi).toMatch(/^3\./)
    for (const path of [
      '/sources',
      '/sources/{id}/rotate',
      '/destinations/{id}',
      '/destinations/{id}/test-connection',
      '/destinations/{id}/subscription-groups',
      '/destinations/{id}/resume',
      '/mappings',
      '/mappings/{id}',
      '/presets',
      '/actions',
      '/triggers/validate',
      '/test-mapping',
      '/deliveries/counts',
      '/deliveries/attempts',
      '/queues',
      '/dead-letters',
      '/dead-letters/{id}',
      '/events/{messageId}',
      '/config',
    ]) {
      expect(doc.paths, path).toHaveProperty([`${A}${path}`])
    }
    const create = doc.paths[`${A}/mappings`].post
    expect(JSON.stringify(create.requestBody)).toContain('preset')
    expect(doc.paths[`${A}/openapi.json`].get.security).toEqual([])
  })

  it('describes every admin route the server has', async () => {
    const doc = (await h.api('GET', `${A}/openapi.json`, undefined, {})).json as unknown as OpenApiDoc
    const described = new Set(
      Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    )
    const registered = registeredAdminRoutes(h.app)
    expect(registered.length).toBeGreaterThan(30)
    expect(registered.filter((r) => !described.has(r))).toEqual([])
  })

  it('answers 401 on every other route without a token or with a wrong one', async () => {
    const doc = (await h.api('GET', `${A}/openapi.json`, undefined, {})).json as unknown as OpenApiDoc
    let checked = 0
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (path.endsWith('/openapi.json')) continue
      const url = path.replace(/\{[^}]+\}/g, '1')
      for (const method of Object.keys(methods)) {
        const variants: Array<Record<string, string>> = [
          {},
          { authorization: 'Bearer wrong-token-value' },
          { 'x-admin-token': `${TOKEN}x` },
          { authorization: `Basic ${TOKEN}` },
        ]
        for (const headers of variants) {
          const response = await h.api(method.toUpperCase(), url, method === 'get' ? undefined : {}, headers)
          expect(response.status, `${method} ${url} ${JSON.stringify(headers)}`).toBe(401)
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(30 * 4)
  })

  it('accepts the token as Bearer or X-Admin-Token, with the one error shape on 401', async () => {
    expect((await h.api('GET', `${A}/sources`, undefined, { 'x-admin-token': TOKEN })).status).toBe(200)
    expect((await h.api('GET', `${A}/sources`)).status).toBe(200)
    const denied = await h.api('GET', `${A}/mappings`, undefined, {})
    expect(denied.json.error?.code).toBe('unauthorized')
    expect(denied.json.error?.message).toMatch(/Bearer/)
  })
})

describe('sources', () => {
  it('lists sources with a hint only, returns a new key once on create and rotate, revokes', async () => {
    const list = await h.api('GET', `${A}/sources`)
    expect(list.body).not.toContain(WRITE_KEY)
    const items = list.json.items as Array<{ name: string; writeKeyHint: string; active: boolean }>
    expect(items.find((s) => s.name === 'web')).toMatchObject({
      writeKeyHint: `…${WRITE_KEY.slice(-4)}`,
      active: true,
    })

    const created = await h.api('POST', `${A}/sources`, { name: 'mobile' })
    expect(created.status).toBe(201)
    const key = created.json.writeKey as string
    const source = created.json.source as { id: string; writeKeyHint: string }
    expect(key).toMatch(/^wk_/)
    expect(source.writeKeyHint).toBe(`…${key.slice(-4)}`)
    expect((await h.store.findSourceByWriteKey(key))?.id).toBe(source.id)
    expect((await h.api('GET', `${A}/sources`)).body).not.toContain(key)

    const taken = await h.api('POST', `${A}/sources`, { name: 'dup', writeKey: WRITE_KEY })
    expect(taken.status).toBe(409)
    expect(taken.json.error).toMatchObject({ code: 'write_key_taken', path: 'body.writeKey' })
    expect(taken.body).not.toContain(WRITE_KEY)

    const rotated = await h.api('POST', `${A}/sources/${source.id}/rotate`)
    expect(rotated.status).toBe(200)
    const newKey = rotated.json.writeKey as string
    expect(newKey).not.toBe(key)
    expect(await h.store.findSourceByWriteKey(key)).toBeNull()
    expect(await h.store.findSourceByWriteKey(newKey)).not.toBeNull()
    expect(rotated.json.replaces).toBe(source.id)

    const newId = (rotated.json.source as { id: string }).id
    const revoked = await h.api('POST', `${A}/sources/${newId}/revoke`)
    expect(revoked.json.source).toMatchObject({ active: false })
    expect(await h.store.findSourceByWriteKey(newKey)).toBeNull()
    expect((await h.api('POST', `${A}/sources/${newId}/rotate`)).status).toBe(409)
    expect((await h.api('POST', `${A}/sources/nope/revoke`)).json.error?.code).toBe('not_found')
  })

  it('rejects a bad body with the failing path', async () => {
    const response = await h.api('POST', `${A}/sources`, { name: '' })
    expect(response.status).toBe(400)
    expect(response.json.error).toMatchObject({ code: 'validation_failed', path: 'body.name' })
    const typed = await h.api('POST', `${A}/sources`, { name: 42 })
    expect(typed.json.error).toMatchObject({
      code: 'validation_failed',
      path: 'body.name',
      message: 'body.name: must be string.',
    })
    const unknown = await h.api('POST', `${A}/sources`, { name: 'x', writekey: 'typo-in-the-name' })
    expect(unknown.json.error).toEqual({
      code: 'validation_failed',
      message: 'Unknown property "writekey" (body.writekey).',
      path: 'body.writekey',
    })
    const limit = await h.api('GET', `${A}/deliveries/outcomes?limit=0`)
    expect(limit.json.error).toMatchObject({ code: 'validation_failed', path: 'querystring.limit' })
    expect((await h.api('GET', `${A}/deliveries/outcomes?limit=3`)).status).toBe(200)
  })
})

describe('destinations', () => {
  it('lists and gets settings with the API key masked', async () => {
    const list = await h.api('GET', `${A}/destinations`)
    const [first] = list.json.items as Array<Record<string, unknown>>
    expect(first).toMatchObject({
      id: h.destination.id,
      state: 'delivering',
      baseUrl: h.sandbox.url,
      settings: { dataCenterLocation: 'united_states', apiKey: { set: true, hint: `…${API_KEY.slice(-4)}` } },
    })
    const one = await h.api('GET', `${A}/destinations/${h.destination.id}`)
    expect(one.json.settings).toEqual(first.settings)
    expect((await h.api('GET', `${A}/destinations/missing`)).status).toBe(404)
  })

  it('validates data center and project type with clear messages', async () => {
    const url = `${A}/destinations/${h.destination.id}`
    const bad = await h.api('PATCH', url, { settings: { dataCenterLocation: 'mars' } })
    expect(bad.status).toBe(400)
    expect(bad.json.error).toEqual({
      code: 'invalid_settings',
      message: 'Data Center Location must be one of: "united_states" or "europe".',
      path: 'body.settings.dataCenterLocation',
    })
    const emailEu = await h.api('PATCH', url, {
      settings: { dataCenterLocation: 'europe', projectType: 'email' },
    })
    expect(emailEu.json.error?.path).toBe('body.settings.projectType')
    expect(emailEu.json.error?.message).toMatch(/europe/)
    const ok = await h.api('PATCH', url, { settings: { projectType: 'hybrid' } })
    expect(ok.status).toBe(200)
    expect(ok.json.settings).toMatchObject({ projectType: 'hybrid', dataCenterLocation: 'united_states' })
    const cleared = await h.api('PATCH', url, { settings: { projectType: null } })
    expect(cleared.json.settings).not.toHaveProperty('projectType')
  })

  it('takes the API key write-only, shows a pause after a 401, resumes, enables and disables', async () => {
    const url = `${A}/destinations/${h.destination.id}`
    const changed = await h.api('PATCH', url, { settings: { apiKey: 'another-key-that-is-long-9999' } })
    expect(changed.json.settings).toMatchObject({ apiKey: { set: true, hint: '…9999' } })
    expect(await h.store.getDestinationApiKey(h.destination.id)).toBe('another-key-that-is-long-9999')
    const failed = await h.api('POST', `${url}/test-connection`)
    expect(failed.json).toMatchObject({
      ok: false,
      status: 401,
      message: 'Credentials are invalid: 401 Unauthorized',
    })
    // Testing a key before saving it:
    const given = await h.api('POST', `${url}/test-connection`, { apiKey: API_KEY })
    expect(given.json).toMatchObject({ ok: true, baseUrl: h.sandbox.url })
    await h.api('PATCH', url, { settings: { apiKey: API_KEY } })
    expect((await h.api('POST', `${url}/test-connection`)).json.ok).toBe(true)
    const badBody = await h.api('POST', `${url}/test-connection`, { apiKey: 5 })
    expect(badBody.json.error).toMatchObject({ code: 'validation_failed', path: 'body.apiKey' })

    await h.store.setDestinationPaused(h.destination.id, { reason: 'Iterable answered 401', since: 1 })
    await h.delivery.reload()
    const paused = await h.api('GET', url)
    expect(paused.json).toMatchObject({ state: 'paused', paused: { reason: 'Iterable answered 401' } })
    expect((await h.api('POST', `${url}/resume`)).status).toBe(200)
    expect((await h.api('GET', url)).json).toMatchObject({ state: 'delivering', paused: null })

    expect((await h.api('POST', `${url}/disable`)).json).toMatchObject({ enabled: false, state: 'disabled' })
    expect((await h.api('POST', `${url}/enable`)).json).toMatchObject({ enabled: true, state: 'delivering' })
  })
})

describe('catalog', () => {
  it('lists presets, actions with their fields, settings', async () => {
    const presets = (await h.api('GET', `${A}/presets`)).json.items as Array<Record<string, unknown>>
    expect(presets.filter((p) => p.type === 'automatic').map((p) => p.name)).toEqual([
      'Track Calls',
      'Identify Calls',
      'Update Cart Calls',
      'Order Completed Calls',
    ])
    const actions = (await h.api('GET', `${A}/actions`)).json.items as Array<{
      key: string
      fields: Array<Record<string, unknown>>
    }>
    expect(actions.map((a) => a.key).sort()).toEqual([
      'mergeUsers',
      'registerDeviceToken',
      'syncAudience',
      'trackEvent',
      'trackPurchase',
      'updateCart',
      'updateSubscriptions',
      'updateUser',
    ])
    const eventName = actions.find((a) => a.key === 'trackEvent')?.fields.find((f) => f.key === 'eventName')
    expect(eventName).toMatchObject({ label: expect.any(String), type: 'string', required: true })
    expect(eventName?.default).toEqual({ '@path': '$.event' })
    const settings = (await h.api('GET', `${A}/settings-definition`)).json
    expect(settings.maxMappings).toBe(50)
  })

  it('validates trigger text live', async () => {
    const ok = await h.api('POST', `${A}/triggers/validate`, { trigger: 'type="track"  and event = "A"' })
    expect(ok.json).toMatchObject({ ok: true, canonical: 'type = "track" and event = "A"', warnings: [] })
    const bad = await h.api('POST', `${A}/triggers/validate`, { trigger: 'type = "track" AND event = "A"' })
    expect(bad.status).toBe(200)
    expect(bad.json).toMatchObject({
      ok: false,
      error: { code: 'trigger_syntax', line: 1, column: 16, position: 15 },
    })
  })
})

describe('mappings', () => {
  it('lists the mappings with trigger, action, enabled and counts', async () => {
    const list = await h.api('GET', `${A}/mappings?destination=${h.destination.id}`)
    const items = list.json.items as Array<Record<string, unknown>>
    expect(items).toHaveLength(4)
    expect(items[0]).toMatchObject({
      name: 'Track Calls',
      action: 'trackEvent',
      enabled: true,
      trigger: expect.stringContaining('type = "track"'),
      counts: { delivered: 0, failed: 0, retrying: 0, dead: 0 },
    })
    expect(list.json.limit).toBe(50)
  })

  it('creates from a preset or blank, edits, toggles and deletes', async () => {
    const fromPreset = await h.api('POST', `${A}/mappings`, {
      preset: 'Identify Calls',
      name: 'Identify 2',
      enabled: false,
    })
    expect(fromPreset.status).toBe(201)
    expect(fromPreset.json).toMatchObject({
      name: 'Identify 2',
      action: 'updateUser',
      trigger: 'type = "identify"',
      enabled: false,
    })
    const id = fromPreset.json.id as string

    const blank = await h.api('POST', `${A}/mappings`, { action: 'trackEvent', trigger: 'event = "X"' })
    expect(blank.json).toMatchObject({ name: 'Custom Event', trigger: 'event = "X"', action: 'trackEvent' })
    expect(blank.json.fields).toHaveProperty('eventName')

    const edited = await h.api('PATCH', `${A}/mappings/${id}`, {
      trigger: 'type = "identify" and traits.plan = "pro"',
      batching: { size: 5000 },
    })
    expect(edited.status).toBe(200)
    expect(edited.json.trigger).toBe('type = "identify" and traits.plan = "pro"')
    expect(edited.json.warnings).toEqual([expect.stringMatching(/5000.*maximum/)])
    expect((await h.api('GET', `${A}/mappings/${id}`)).json.batching).toEqual({ size: 5000 })

    expect((await h.api('POST', `${A}/mappings/${id}/enable`)).json.enabled).toBe(true)
    expect((await h.api('POST', `${A}/mappings/${id}/disable`)).json.enabled).toBe(false)
    expect((await h.api('DELETE', `${A}/mappings/${id}`)).json).toEqual({ deleted: id })
    expect((await h.api('GET', `${A}/mappings/${id}`)).status).toBe(404)
    await h.api('DELETE', `${A}/mappings/${blank.json.id as string}`)
  })

  it('refuses to save a mapping without a field its action requires, naming it (create, edit, enable)', async () => {
    const create = await h.api('POST', `${A}/mappings`, {
      action: 'trackEvent',
      name: 'No event name',
      trigger: 'type = "track"',
      fields: { userId: { '@path': '$.userId' } },
    })
    expect(create.status).toBe(400)
    expect(create.json.error).toMatchObject({ code: 'field_required', path: 'body.fields.eventName' })
    expect(create.json.error?.message).toMatch(/Custom Event requires the field "eventName" \(Event name\)/)

    const ok = await h.api('POST', `${A}/mappings`, {
      action: 'trackEvent',
      name: 'Has event name',
      trigger: 'type = "track"',
      enabled: false,
    })
    expect(ok.status).toBe(201)
    const id = ok.json.id as string
    const cleared = await h.api('PATCH', `${A}/mappings/${id}`, {
      fields: { ...(ok.json.fields as object), eventName: '' },
    })
    expect(cleared.status).toBe(400)
    expect(cleared.json.error).toMatchObject({ code: 'field_required', path: 'body.fields.eventName' })
    // A stored mapping that lacks one (saved before this rule) cannot be enabled either.
    await h.store.updateMapping(id, { fields: {} })
    const enable = await h.api('POST', `${A}/mappings/${id}/enable`)
    expect(enable.status).toBe(400)
    expect(enable.json.error?.code).toBe('field_required')
    await h.api('DELETE', `${A}/mappings/${id}`)
  })

  it('keeps mapping names unique per destination ignoring case: 409 naming the clash on create and rename', async () => {
    const taken = await h.api('POST', `${A}/mappings`, { preset: 'Track Calls', enabled: false })
    expect(taken.status).toBe(409)
    expect(taken.json.error).toMatchObject({ code: 'name_taken', path: 'body.name' })
    expect(taken.json.error?.message).toMatch(
      /already has a mapping named "Track Calls"; choose another name/,
    )
    const otherCase = await h.api('POST', `${A}/mappings`, { preset: 'Track Calls', name: 'TRACK calls' })
    expect(otherCase.status).toBe(409)
    expect(otherCase.json.error?.message).toMatch(
      /mapping named "TRACK calls" \("Track Calls": names are compared ignoring case\)/,
    )

    const created = await h.api('POST', `${A}/mappings`, {
      preset: 'Track Calls',
      name: 'Track 2',
      enabled: false,
    })
    expect(created.status).toBe(201)
    const id = created.json.id as string
    const rename = await h.api('PATCH', `${A}/mappings/${id}`, { name: 'identify calls' })
    expect(rename.status).toBe(409)
    expect(rename.json.error?.code).toBe('name_taken')
    expect((await h.api('GET', `${A}/mappings/${id}`)).json.name).toBe('Track 2')
    // Its own name in another case is no clash.
    expect((await h.api('PATCH', `${A}/mappings/${id}`, { name: 'TRACK 2' })).status).toBe(200)
    await h.api('DELETE', `${A}/mappings/${id}`)
  })

  it('points at the problem on save: trigger position, directive path, unknown action, unknown field, preset', async () => {
    const trigger = await h.api('POST', `${A}/mappings`, {
      preset: 'Track Calls',
      trigger: 'type = "track" and (event = "A"',
    })
    expect(trigger.status).toBe(400)
    expect(trigger.json.error).toMatchObject({
      code: 'trigger_syntax',
      path: 'body.trigger',
      details: { position: 31, line: 1, column: 32, found: 'end of trigger' },
    })
    expect(trigger.json.error?.message).toMatch(/line 1, column 32: expected/)

    const directive = await h.api('POST', `${A}/mappings`, {
      action: 'trackEvent',
      fields: { eventName: { '@path': '$.event' }, dataFields: { '@path': 3 } },
    })
    expect(directive.json.error).toMatchObject({
      code: 'mapping_invalid',
      path: 'body.fields.dataFields.@path',
    })
    expect(directive.json.error?.details?.messages).toEqual([
      expect.stringMatching(/^\/dataFields\/@path should be a string/),
    ])

    const action = await h.api('POST', `${A}/mappings`, { action: 'sendSms' })
    expect(action.json.error).toMatchObject({ code: 'unknown_action', path: 'body.action' })
    expect(action.json.error?.message).toContain('updateUser')

    const field = await h.api('POST', `${A}/mappings`, {
      action: 'updateUser',
      fields: { userId: 'a', nickname: 'x' },
    })
    expect(field.json.error).toMatchObject({ code: 'unknown_field', path: 'body.fields.nickname' })

    const preset = await h.api('POST', `${A}/mappings`, { preset: 'Nope' })
    expect(preset.status).toBe(404)
    expect(preset.json.error?.code).toBe('unknown_preset')
    const specific = await h.api('POST', `${A}/mappings`, { preset: 'Entities Exited' })
    expect(specific.json.error).toMatchObject({ code: 'trigger_required', path: 'body.trigger' })

    const [first] = (await h.api('GET', `${A}/mappings`)).json.items as Array<{ id: string; trigger: string }>
    const patch = await h.api('PATCH', `${A}/mappings/${first.id}`, { trigger: 'type =' })
    expect(patch.json.error?.code).toBe('trigger_syntax')
    expect((await h.store.getMapping(first.id))?.trigger).toBe(first.trigger)
    const typo = await h.api('PATCH', `${A}/mappings/${first.id}`, { trigerr: 'type = "track"' })
    expect(typo.json.error).toMatchObject({ code: 'validation_failed', path: 'body.trigerr' })
    const enabled = await h.api('PATCH', `${A}/mappings/${first.id}`, { enabled: 'yes' })
    expect(enabled.json.error).toMatchObject({ code: 'validation_failed', path: 'body.enabled' })
    expect((await h.api('POST', `${A}/mappings`, {})).json.error?.code).toBe('preset_or_action_required')
  })

  it('enforces the limit of 50 mappings per destination', async () => {
    const existing = await h.store.countMappings(h.destination.id)
    for (let i = existing; i < 50; i++) {
      const r = await h.api('POST', `${A}/mappings`, { preset: 'Track Calls', name: `T${i}`, enabled: false })
      expect(r.status).toBe(201)
    }
    const over = await h.api('POST', `${A}/mappings`, { preset: 'Track Calls', name: 'one too many' })
    expect(over.status).toBe(409)
    expect(over.json.error).toMatchObject({ code: 'mapping_limit', details: { limit: 50, count: 50 } })
    expect(over.json.error?.message).toMatch(/at most 50 mappings/)
    expect(await h.store.countMappings(h.destination.id)).toBe(50)
    for (const m of await h.store.listMappings(h.destination.id)) {
      if (/^T\d+$/.test(m.name)) await h.api('DELETE', `${A}/mappings/${m.id}`)
    }
    expect(await h.store.countMappings(h.destination.id)).toBe(existing)
  })
})

describe('secrets', () => {
  it('never returned the API key in any response body', () => {
    expect(h.bodies.length).toBeGreaterThan(100)
    for (const body of h.bodies) expect(body).not.toContain(API_KEY)
    for (const body of h.bodies) expect(body).not.toContain('another-key-that-is-long-9999')
    // The initial write key was never created over the API, so no response may show it.
    for (const body of h.bodies) expect(body).not.toContain(WRITE_KEY)
  })
})

// Every error answer, whatever the route family, has the one shape
// `{ error: { code, message, path?, details? } }`, a stable code and a message that names the problem.
const AUTH = { authorization: `Bearer ${TOKEN}` }

interface BadRequest {
  family: string
  method: string
  url: string
  body?: unknown
  headers?: Record<string, string>
  /** A raw body sent as is (malformed JSON). */
  raw?: string
  status: number
  code: string
  path?: string
  message: RegExp
}

const BAD_REQUESTS: BadRequest[] = [
  {
    family: 'auth: no token',
    method: 'GET',
    url: `${A}/dead-letters`,
    headers: {},
    status: 401,
    code: 'unauthorized',
    message: /Admin token required/,
  },
  {
    family: 'auth: wrong token',
    method: 'PUT',
    url: `${A}/config`,
    headers: { authorization: 'Bearer not-the-token' },
    body: {},
    status: 401,
    code: 'unauthorized',
    message: /Admin token required/,
  },
  {
    family: 'unknown route',
    method: 'GET',
    url: `${A}/no-such-thing?x=1`,
    status: 404,
    code: 'route_not_found',
    message: /no route GET \/api\/admin\/no-such-thing; see \/api\/admin\/openapi\.json/,
  },
  {
    family: 'sources',
    method: 'POST',
    url: `${A}/sources`,
    body: { name: 42 },
    status: 400,
    code: 'validation_failed',
    path: 'body.name',
    message: /body\.name: must be string/,
  },
  {
    family: 'destinations',
    method: 'PATCH',
    url: `${A}/destinations/nope`,
    body: { name: 'x' },
    status: 404,
    code: 'not_found',
    message: /No destination with id "nope"/,
  },
  {
    family: 'destinations: resume',
    method: 'POST',
    url: `${A}/destinations/nope/resume`,
    status: 404,
    code: 'not_found',
    message: /No destination with id "nope"/,
  },
  {
    family: 'mappings',
    method: 'POST',
    url: `${A}/mappings`,
    body: { preset: 'Track Calls', trigger: 'type = ' },
    status: 400,
    code: 'trigger_syntax',
    path: 'body.trigger',
    message: /line 1, column/,
  },
  {
    family: 'catalog',
    method: 'POST',
    url: `${A}/triggers/validate`,
    body: { trigger: 1 },
    status: 400,
    code: 'validation_failed',
    path: 'body.trigger',
    message: /must be string/,
  },
  {
    family: 'test mapping',
    method: 'POST',
    url: `${A}/test-mapping`,
    body: { event: { type: 'track', userId: 'u' } },
    status: 400,
    code: 'invalid_event',
    message: /event/,
  },
  {
    family: 'deliveries',
    method: 'GET',
    url: `${A}/deliveries/counts?from=yesterday`,
    status: 400,
    code: 'validation_failed',
    path: 'querystring.from',
    message: /from must be epoch milliseconds or an ISO date \(got "yesterday"\)/,
  },
  {
    family: 'dead letters: list',
    method: 'GET',
    url: `${A}/dead-letters?limit=5000`,
    status: 400,
    code: 'invalid_limit',
    path: 'querystring.limit',
    message: /limit must be a whole number from 1 to 1000 \(got "5000"\)/,
  },
  {
    family: 'dead letters: filter',
    method: 'GET',
    url: `${A}/dead-letters?to=soon`,
    status: 400,
    code: 'invalid_filter',
    path: 'querystring.to',
    message: /to must be epoch milliseconds or an ISO date/,
  },
  {
    family: 'dead letters: replay',
    method: 'POST',
    url: `${A}/dead-letters/replay`,
    body: {},
    status: 400,
    code: 'selector_required',
    path: 'body',
    message: /give "ids", a "filter", or "all": true/,
  },
  {
    family: 'dead letters: discard',
    method: 'POST',
    url: `${A}/dead-letters/discard`,
    body: { ids: ['a'] },
    status: 400,
    code: 'invalid_ids',
    path: 'body.ids',
    message: /"ids" must be a list of dead letter ids/,
  },
  {
    family: 'dead letters: replay filter',
    method: 'POST',
    url: `${A}/dead-letters/replay`,
    body: { filter: { from: 'last week' } },
    status: 400,
    code: 'invalid_filter',
    path: 'body.filter.from',
    message: /from must be epoch milliseconds/,
  },
  {
    family: 'dead letters: inspect',
    method: 'GET',
    url: `${A}/dead-letters/424242`,
    status: 404,
    code: 'not_found',
    message: /No dead letter with id "424242"/,
  },
  {
    family: 'events',
    method: 'GET',
    url: `${A}/events/never-received`,
    status: 404,
    code: 'not_found',
    message: /never-received/,
  },
  {
    family: 'recent events',
    method: 'GET',
    url: `${A}/recent-events?limit=500`,
    status: 400,
    code: 'validation_failed',
    path: 'querystring.limit',
    message: /querystring\.limit: must be <= 100/,
  },
  {
    family: 'config',
    method: 'PUT',
    url: `${A}/config`,
    body: { destinations: [{ name: 'x', settings: { apiKey: 'key-1', dataCenterLocation: 'mars' } }] },
    status: 400,
    code: 'INVALID_SETTINGS',
    path: 'body.destinations[0].settings.dataCenterLocation',
    message: /^destinations\[0\]\.settings\.dataCenterLocation: .*united_states/,
  },
  {
    family: 'users: forget',
    method: 'POST',
    url: `${A}/users/forget`,
    body: { destination: 'x' },
    status: 400,
    code: 'identifier_required',
    path: 'body',
    message: /Name the user: give "email", "userId" or both/,
  },
  {
    family: 'users: unforget',
    method: 'POST',
    url: `${A}/users/unforget`,
    body: { email: 'not an email' },
    status: 400,
    code: 'invalid_email',
    path: 'body.email',
    message: /not an email address/,
  },
  {
    family: 'malformed JSON',
    method: 'POST',
    url: `${A}/mappings`,
    raw: '{"preset": ',
    status: 400,
    code: 'invalid_json',
    path: 'body',
    message: /not valid JSON/,
  },
  {
    // Fastify's parser called this "not valid JSON".
    family: 'a __proto__ key',
    method: 'POST',
    url: `${A}/sources`,
    raw: '{"name":"web","__proto__":{"admin":true}}',
    status: 400,
    code: 'forbidden_key',
    path: 'body.__proto__',
    message: /^The key "__proto__" is not allowed \(body\.__proto__\)\.$/,
  },
  {
    family: 'a __proto__ key deep in a configuration',
    method: 'PUT',
    url: `${A}/config`,
    raw: '{"destinations":[{"name":"x","mappings":[{"fields":{"a":{"__proto__":{}}}}]}]}',
    status: 400,
    code: 'forbidden_key',
    path: 'body.destinations[0].mappings[0].fields.a.__proto__',
    message: /__proto__/,
  },
  {
    family: 'live events of an unknown type',
    method: 'GET',
    url: `${A}/live-events?type=purchase`,
    status: 400,
    code: 'validation_failed',
    path: 'querystring.type',
    message: /type/,
  },
  {
    family: 'event volume over more than a day',
    method: 'GET',
    url: `${A}/event-volume?minutes=100000`,
    status: 400,
    code: 'validation_failed',
    path: 'querystring.minutes',
    message: /minutes/,
  },
  {
    family: 'JSON nested too deeply',
    method: 'POST',
    url: `${A}/test-mapping`,
    raw: `{"event":{"type":"track","event":"E","userId":"u","properties":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}}`,
    status: 400,
    code: 'too_deep',
    path: 'body',
    message: /nested deeper than the limit of 65 levels/,
  },
  {
    family: 'a number that overflows',
    method: 'POST',
    url: `${A}/test-mapping`,
    raw: '{"event":{"type":"track","event":"E","userId":"u","properties":{"price":1e400}}}',
    status: 400,
    code: 'validation_failed',
    path: 'body.event.properties.price',
    message: /^"body\.event\.properties\.price" is a number too large to represent/,
  },
]

describe('one admin error shape', () => {
  it.each(BAD_REQUESTS)('$family: $method $url → $status $code', async (bad) => {
    const response = await h.app.inject({
      method: bad.method as 'GET',
      url: bad.url,
      headers: {
        ...(bad.headers ?? AUTH),
        ...(bad.body !== undefined || bad.raw !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(bad.raw !== undefined
        ? { payload: bad.raw }
        : bad.body !== undefined
          ? { payload: JSON.stringify(bad.body) }
          : {}),
    })
    expect(response.statusCode).toBe(bad.status)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    const body = response.json<Record<string, unknown>>()
    expect(Object.keys(body)).toEqual(['error'])
    const error = body.error as Record<string, unknown>
    expect(Object.keys(error).every((key) => ['code', 'message', 'path', 'details'].includes(key))).toBe(true)
    expect(error.code).toBe(bad.code)
    expect(error.message).toEqual(expect.any(String))
    expect(error.message).toMatch(bad.message)
    if (bad.path !== undefined) expect(error.path).toBe(bad.path)
    if (error.details !== undefined) expect(typeof error.details).toBe('object')
  })

  it('covers every route family of the OpenAPI description', async () => {
    const doc = (await h.api('GET', `${A}/openapi.json`, undefined, {})).json as unknown as {
      paths: Record<string, unknown>
    }
    const families = new Set(
      Object.keys(doc.paths)
        .map((path) => path.slice(A.length + 1).split('/')[0])
        .filter((family) => family !== 'openapi.json'),
    )
    const tested = new Set(BAD_REQUESTS.map((bad) => new URL(bad.url, 'http://x').pathname.split('/')[3]))
    // Families whose routes take no input that can be wrong (lists) are covered by the 401 rows.
    const inputless = ['cluster', 'presets', 'actions', 'settings-definition', 'queues', 'waiting-events']
    expect([...families].filter((f) => !tested.has(f) && !inputless.includes(f))).toEqual([])
  })
})
