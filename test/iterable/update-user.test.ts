import { routingPort } from '../../src/cli/serve/routing-port.js'
import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DeliveryService } from '../../src/delivery/service.js'
import { renderSingle } from '../../src/preview/render.js'
import { validateSettings } from '../../src/iterable/settings.js'
import { openStore } from '../../src/store/index.js'
import { deliveries, errorOf, run, runBatch, testEvent } from './helpers.js'

/** The base URL the real delivery service gives a destination with these settings (no sandbox override). */
async function deliveryBaseUrlFor(settings: Record<string, unknown>): Promise<string | null> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ia-ue5-'))
  const store = await openStore({ kind: 'sqlite', dir })
  try {
    const { apiKey, ...rest } = settings
    await store.createDestination({ name: 'eu', kind: 'iterable', settings: rest, apiKey: String(apiKey) })
    const service = new DeliveryService({ store, routing: routingPort })
    await service.reload()
    return service.destinations()[0].baseUrl
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const identify = (overrides: Record<string, unknown> = {}) => testEvent({ type: 'identify', ...overrides })

describe('updateUser single (reference §5.2)', () => {
  it('U1 default mappings', () => {
    const [d] = deliveries(run('updateUser', {}, identify(), { defaults: true }))
    expect(d.endpoint).toBe('/api/users/update')
    expect(d.item).toEqual({ userId: 'user1234', dataFields: {}, mergeNestedObjects: false })
    expect(d.followUps).toBeUndefined()
    expect(d.bulkEndpoint).toBeUndefined()
  })

  it('U2 no mapping at all → Must include email or userId.', () => {
    const error = errorOf(
      run('updateUser', {}, identify({ traits: { firstName: 'Johnny', lastName: 'Depp' } })),
    )
    expect(error).toEqual({ message: 'Must include email or userId.', code: 'PAYLOAD_VALIDATION_FAILED' })
  })

  it('U3/U4 phoneNumber in dataFields', () => {
    const body = {
      userId: 'user1234',
      dataFields: { phone: '+14158675309', phoneNumber: '+14158675309' },
      mergeNestedObjects: false,
    }
    const event = identify({ traits: { phone: '+14158675309' } })
    expect(deliveries(run('updateUser', {}, event, { defaults: true }))[0].item).toEqual(body)
    expect(
      deliveries(run('updateUser', { dataFields: { '@path': '$.traits' } }, event, { defaults: true }))[0]
        .item,
    ).toEqual(body)
  })

  it('U5 null phoneNumber is allowed and sent', () => {
    const event = identify({ traits: { phone: null, trait1: null } })
    expect(
      deliveries(run('updateUser', { dataFields: { '@path': '$.traits' } }, event, { defaults: true }))[0]
        .item,
    ).toEqual({
      userId: 'user1234',
      dataFields: { phone: null, trait1: null, phoneNumber: null },
      mergeNestedObjects: false,
    })
  })

  it('U6 date strings in mapped dataFields are formatted', () => {
    const event = identify({ receivedAt: '2024-05-06T07:08:09.123Z', traits: { phone: '+14158675309' } })
    const mapping = {
      phoneNumber: { '@path': '$.traits.phone' },
      userId: { '@path': '$.userId' },
      dataFields: { receivedAtDateString: { '@path': '$.receivedAt' } },
    }
    expect(deliveries(run('updateUser', mapping, event))[0].item).toEqual({
      userId: 'user1234',
      dataFields: { receivedAtDateString: '2024-05-06 07:08:09 +00:00', phoneNumber: '+14158675309' },
    })
  })

  it('UE1 updateEmail with email only, after the update', () => {
    const event = identify({ userId: undefined, traits: { email: 'old@example.com' } })
    const [d] = deliveries(run('updateUser', { newEmail: 'new@example.com' }, event, { defaults: true }))
    expect(d.item).toEqual({
      email: 'old@example.com',
      dataFields: { email: 'old@example.com' },
      mergeNestedObjects: false,
    })
    expect(d.followUps).toEqual([
      {
        method: 'POST',
        path: '/api/users/updateEmail',
        body: { currentEmail: 'old@example.com', newEmail: 'new@example.com' },
      },
    ])
  })

  it('UE2 updateEmail with userId only', () => {
    const event = identify({ userId: 'seg_user_01', traits: { firstName: 'Test' } })
    const [d] = deliveries(
      run('updateUser', { userId: { '@path': '$.userId' }, newEmail: 'updated@example.com' }, event),
    )
    expect(d.item).toEqual({ userId: 'seg_user_01', dataFields: {} })
    expect(d.followUps?.[0].body).toEqual({ currentUserId: 'seg_user_01', newEmail: 'updated@example.com' })
  })

  it('UE3/UE4 both identifiers, dataFields then updateEmail', () => {
    const event = identify({
      userId: 'seg_user_01',
      traits: { email: 'old@example.com', firstName: 'Jim', phone: '+14158675309' },
    })
    const [d] = deliveries(run('updateUser', { newEmail: 'new@example.com' }, event, { defaults: true }))
    expect(d.item).toEqual({
      email: 'old@example.com',
      userId: 'seg_user_01',
      dataFields: {
        email: 'old@example.com',
        firstName: 'Jim',
        phone: '+14158675309',
        phoneNumber: '+14158675309',
      },
      mergeNestedObjects: false,
    })
    expect(d.followUps?.[0].body).toEqual({
      currentEmail: 'old@example.com',
      currentUserId: 'seg_user_01',
      newEmail: 'new@example.com',
    })
  })

  it('UE5 europe: both requests to the EU host (through the region of the settings)', async () => {
    const event = identify({ traits: { email: 'old@example.com' } })
    const rawSettings = { apiKey: 'testApiKey', dataCenterLocation: 'europe' }
    const result = run('updateUser', { newEmail: 'new@example.com' }, event, {
      defaults: true,
      settings: rawSettings,
    })
    const [d] = deliveries(result)
    expect(d.followUps?.[0].body).toEqual({
      currentEmail: 'old@example.com',
      currentUserId: 'user1234',
      newEmail: 'new@example.com',
    })
    const expectedUrls = [
      'https://api.eu.iterable.com/api/users/update',
      'https://api.eu.iterable.com/api/users/updateEmail',
    ]
    // The URLs as the preview shows them …
    const rendered = renderSingle(validateSettings(rawSettings), d)
    expect(rendered.map((r) => [r.method, r.url])).toEqual(expectedUrls.map((url) => ['POST', url]))
    // … and as the delivery service sends them: its client for a europe destination (no override)
    // has the EU base URL, and both paths are joined to it.
    const base = await deliveryBaseUrlFor(rawSettings)
    expect([base + d.endpoint, ...(d.followUps ?? []).map((f) => base + f.path)]).toEqual(expectedUrls)
  })

  it('§5.6 snapshot body (D1: enable_batching/batch_size never in the body)', () => {
    const mapping = {
      email: 'lo@de.uz',
      userId: '^qMtTUbd*oM',
      newEmail: 'higtab@piciwza.tf',
      dataFields: { testType: '^qMtTUbd*oM' },
      phoneNumber: '^qMtTUbd*oM',
      mergeNestedObjects: true,
      enable_batching: true,
      updateOnly: true,
      batch_size: 1000,
    }
    const [d] = deliveries(run('updateUser', mapping, testEvent()))
    expect(d.item).toEqual({
      dataFields: { phoneNumber: '^qMtTUbd*oM', testType: '^qMtTUbd*oM' },
      email: 'lo@de.uz',
      mergeNestedObjects: true,
      userId: '^qMtTUbd*oM',
    })
    expect(d.followUps?.[0].body).toEqual({
      currentEmail: 'lo@de.uz',
      currentUserId: '^qMtTUbd*oM',
      newEmail: 'higtab@piciwza.tf',
    })
  })

  it('§5.7 mergeNestedObjects "true" → true; traits with dates; bad newEmail', () => {
    const [d] = deliveries(run('updateUser', { mergeNestedObjects: 'true' }, identify(), { defaults: true }))
    expect(d.item.mergeNestedObjects).toBe(true)
    const error = errorOf(run('updateUser', { newEmail: 'nope' }, identify(), { defaults: true }))
    expect(error.message).toBe('New Email Address must be a valid email address string but it was not.')
    const traits = {
      email: 'a@b.co',
      created_at: '2020-01-01T10:00:00Z',
      birthday: '1990-02-03',
      n: 5,
      nested: { d: '2020-01-01T10:00:00+01:00' },
      list: ['2020-01-01T10:00:00Z'],
    }
    expect(
      deliveries(run('updateUser', {}, identify({ traits }), { defaults: true }))[0].item.dataFields,
    ).toEqual({
      email: 'a@b.co',
      created_at: '2020-01-01 10:00:00 +00:00',
      birthday: '1990-02-03',
      n: 5,
      nested: { d: '2020-01-01 09:00:00 +00:00' },
      list: ['2020-01-01 10:00:00 +00:00'],
    })
  })

  it('§5.7 phone "" in single mode: root "" removed, no phoneNumber', () => {
    const [d] = deliveries(run('updateUser', {}, identify({ traits: { phone: '' } }), { defaults: true }))
    expect(d.item.dataFields).toEqual({ phone: '' })
  })

  it('D2: an existing dataFields.phoneNumber is kept when the phone field resolves to nothing', () => {
    const [d] = deliveries(
      run('updateUser', {}, identify({ traits: { phoneNumber: '+1555' } }), { defaults: true }),
    )
    expect(d.item.dataFields).toEqual({ phoneNumber: '+1555' })
  })

  it('single mode ignores updateOnly (as the reference)', () => {
    const [d] = deliveries(run('updateUser', { updateOnly: true }, identify(), { defaults: true }))
    expect(d.item).not.toHaveProperty('updateOnly')
    expect(d.bulkEnvelope).toBeUndefined()
  })
})

describe('updateUser batch (reference §5.2 UB*)', () => {
  const phoneEvents = [
    identify({ userId: 'user1234', traits: { phone: '+14158675309' } }),
    identify({ userId: 'user5678', traits: { phone: '+24158675309' } }),
  ]
  const ub2Users = [
    {
      userId: 'user1234',
      dataFields: { phone: '+14158675309', phoneNumber: '+14158675309' },
      mergeNestedObjects: false,
    },
    {
      userId: 'user5678',
      dataFields: { phone: '+24158675309', phoneNumber: '+24158675309' },
      mergeNestedObjects: false,
    },
  ]

  it('UB1 default mappings', () => {
    const { bulk } = runBatch('updateUser', {}, [identify(), identify()], { defaults: true })
    expect(bulk).toHaveLength(1)
    expect(bulk[0].path).toBe('/api/users/bulkUpdate')
    expect(bulk[0].body).toEqual({
      users: [
        { userId: 'user1234', dataFields: {}, mergeNestedObjects: false },
        { userId: 'user1234', dataFields: {}, mergeNestedObjects: false },
      ],
    })
    expect(JSON.parse(bulk[0].json)).toEqual(bulk[0].body)
  })

  it('UB2 phoneNumber', () => {
    const { bulk } = runBatch('updateUser', {}, phoneEvents, { defaults: true })
    expect(bulk[0].body).toEqual({ users: ub2Users })
  })

  it('UB3 updateOnly true is the first key', () => {
    const { bulk } = runBatch('updateUser', { updateOnly: true }, phoneEvents, { defaults: true })
    expect(bulk[0].body).toEqual({ updateOnly: true, users: ub2Users })
    expect(Object.keys(bulk[0].body)[0]).toBe('updateOnly')
    expect(bulk[0].json.startsWith('{"updateOnly":true,"users":[')).toBe(true)
  })

  it('UB4 updateOnly false: no updateOnly key', () => {
    const { bulk } = runBatch('updateUser', { updateOnly: false }, [phoneEvents[0]], { defaults: true })
    expect(bulk[0].body).toEqual({ users: [ub2Users[0]] })
  })

  it('UB5 no newEmail: no email in dataFields', () => {
    const events = [
      identify({ userId: 'seg_user_01', traits: { name: 'User One' } }),
      identify({ userId: 'seg_user_02', traits: { name: 'User Two' } }),
    ]
    const { bulk } = runBatch('updateUser', {}, events, { defaults: true })
    expect(bulk[0].body).toEqual({
      users: [
        { userId: 'seg_user_01', dataFields: { name: 'User One' }, mergeNestedObjects: false },
        { userId: 'seg_user_02', dataFields: { name: 'User Two' }, mergeNestedObjects: false },
      ],
    })
  })

  const ub6Events = [
    identify({
      userId: 'seg_user_01',
      traits: { email: 'megaman7@gmail.com', newEmail: 'megaman8@gmail.com' },
    }),
    identify({
      userId: 'gen_seg_01',
      traits: { email: 'goldenaxe7@gmail.com', newEmail: 'goldenaxe8@gmail.com' },
    }),
  ]
  const ub6Mapping = {
    email: { '@path': '$.traits.email' },
    userId: { '@path': '$.userId' },
    newEmail: { '@path': '$.traits.newEmail' },
  }

  it('UB6 newEmail in batch, projectType not set: dataFields.email, no updateEmail (the reference)', () => {
    const { bulk, planned } = runBatch('updateUser', ub6Mapping, ub6Events)
    expect(bulk[0].body).toEqual({
      users: [
        { email: 'megaman7@gmail.com', userId: 'seg_user_01', dataFields: { email: 'megaman8@gmail.com' } },
        {
          email: 'goldenaxe7@gmail.com',
          userId: 'gen_seg_01',
          dataFields: { email: 'goldenaxe8@gmail.com' },
        },
      ],
    })
    expect(planned.every((d) => d.followUps === undefined)).toBe(true)
  })

  it('D9: email-based project → updateEmail after the bulk call, in batch mode too', () => {
    const { bulk, planned } = runBatch('updateUser', ub6Mapping, ub6Events, {
      settings: { apiKey: 'k', projectType: 'email' },
    })
    expect(bulk[0].body).toEqual({
      users: [
        { email: 'megaman7@gmail.com', userId: 'seg_user_01', dataFields: {} },
        { email: 'goldenaxe7@gmail.com', userId: 'gen_seg_01', dataFields: {} },
      ],
    })
    expect(planned[0].followUps).toEqual([
      {
        method: 'POST',
        path: '/api/users/updateEmail',
        body: {
          currentEmail: 'megaman7@gmail.com',
          currentUserId: 'seg_user_01',
          newEmail: 'megaman8@gmail.com',
        },
        retryWhileUserMissing: true,
      },
    ])
  })

  it('D9: userID-based and hybrid projects → dataFields.email in single mode too', () => {
    for (const projectType of ['userId', 'hybrid']) {
      const [d] = deliveries(
        run('updateUser', ub6Mapping, ub6Events[0], { settings: { apiKey: 'k', projectType } }),
      )
      expect(d.item).toEqual({
        email: 'megaman7@gmail.com',
        userId: 'seg_user_01',
        dataFields: { email: 'megaman8@gmail.com' },
      })
      expect(d.followUps).toBeUndefined()
    }
  })

  it('D9: email-based project in single mode → updateEmail as the reference', () => {
    const [d] = deliveries(
      run('updateUser', ub6Mapping, ub6Events[0], { settings: { apiKey: 'k', projectType: 'email' } }),
    )
    expect(d.item.dataFields).toEqual({})
    expect(d.followUps?.[0].path).toBe('/api/users/updateEmail')
    expect(d.followUps?.[0].retryWhileUserMissing).toBeUndefined()
  })

  it('D12: events with different updateOnly never share a bulk request', () => {
    const mapping = { updateOnly: { '@path': '$.traits.updateOnly' } }
    const events = [
      identify({ userId: 'a', traits: { updateOnly: false } }),
      identify({ userId: 'b', traits: { updateOnly: true } }),
      identify({ userId: 'c', traits: { updateOnly: true } }),
    ]
    const { bulk } = runBatch('updateUser', mapping, events, { defaults: true })
    expect(bulk).toHaveLength(2)
    const plain = bulk.find((b) => !('updateOnly' in b.body))
    const only = bulk.find((b) => b.body.updateOnly === true)
    expect((plain?.body.users as Array<{ userId: string }>).map((u) => u.userId)).toEqual(['a'])
    expect((only?.body.users as Array<{ userId: string }>).map((u) => u.userId)).toEqual(['b', 'c'])
  })

  it('D6: in batch mode an event without email/userId fails alone with the reference message', () => {
    const events = [identify({ userId: undefined }), identify({ userId: 'ok' })]
    const { results, bulk } = runBatch('updateUser', {}, events, { defaults: true })
    expect(errorOf(results[0]).message).toBe('Must include email or userId.')
    expect(bulk[0].body).toEqual({ users: [{ userId: 'ok', dataFields: {}, mergeNestedObjects: false }] })
  })

  it('D6: a root "" is removed in batch mode too (phone "" → no phoneNumber)', () => {
    const { bulk } = runBatch('updateUser', {}, [identify({ traits: { phone: '' } })], { defaults: true })
    expect((bulk[0].body.users as Array<{ dataFields: unknown }>)[0].dataFields).toEqual({ phone: '' })
  })
})

describe('project type identifier rules', () => {
  it('a userID-based project needs a userId, said before sending', () => {
    const event = identify({ userId: undefined, traits: { email: 'a@b.co' } })
    const error = errorOf(
      run('updateUser', {}, event, { defaults: true, settings: { apiKey: 'k', projectType: 'userId' } }),
    )
    expect(error).toEqual({
      message: 'Must include userId: the Iterable project is userID-based.',
      code: 'PAYLOAD_VALIDATION_FAILED',
    })
  })
  it('email-based and hybrid projects accept email or userId', () => {
    const event = identify({ userId: undefined, traits: { email: 'a@b.co' } })
    for (const projectType of ['email', 'hybrid']) {
      expect(
        run('updateUser', {}, event, { defaults: true, settings: { apiKey: 'k', projectType } }).ok,
      ).toBe(true)
    }
  })
})
