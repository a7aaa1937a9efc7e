// Conformance, configuration: migrations kept across reopen, sources, destinations (sealed API keys),
// mappings, and the immutable configuration revisions events are routed with.
import { expect, it } from 'vitest'
import { StoreError } from '../../../src/store/index.js'
import { T0, type StoreContext } from './fixtures.js'

export function configurationSection(ctx: StoreContext): void {
  it('says it takes writes (checkWritable) while it does', async () => {
    expect(await ctx.store.checkWritable()).toEqual({ ok: true })
  })

  it('applies migrations once and keeps data across reopen', async () => {
    await ctx.store.createSource({ id: 'src', name: 'Web', writeKey: 'wk_0123456789' })
    await ctx.reopen()
    await ctx.reopen()
    expect((await ctx.store.getSource('src'))?.name).toBe('Web')
    expect(await ctx.store.listSources()).toHaveLength(1)
  })

  it('creates, finds by write key, revokes and deletes sources', async () => {
    const src = await ctx.store.createSource({
      id: 'src',
      name: 'Web',
      writeKey: 'wk_secret_abcd',
      createdAt: T0,
    })
    expect(src).toEqual({ id: 'src', name: 'Web', writeKeyHint: 'abcd', createdAt: T0, revokedAt: null })
    expect(JSON.stringify(src)).not.toContain('wk_secret')
    expect((await ctx.store.findSourceByWriteKey('wk_secret_abcd'))?.id).toBe('src')
    expect(await ctx.store.findSourceByWriteKey('wk_secret_abce')).toBeNull()
    expect(await ctx.store.getSourceWriteKey('src')).toBe('wk_secret_abcd')
    await expect(ctx.store.createSource({ name: 'Other', writeKey: 'wk_secret_abcd' })).rejects.toMatchObject(
      {
        code: 'conflict',
      },
    )
    expect(await ctx.store.revokeSource('src', T0 + 1)).toBe(true)
    expect(await ctx.store.findSourceByWriteKey('wk_secret_abcd')).toBeNull()
    expect((await ctx.store.getSource('src'))?.revokedAt).toBe(T0 + 1)
    expect(await ctx.store.deleteSource('src')).toBe(true)
    expect(await ctx.store.getSource('src')).toBeNull()
  })

  it('stores destinations with an encrypted API key, pause state and updates', async () => {
    const dest = await ctx.store.createDestination({
      id: 'dest',
      name: 'Iterable',
      kind: 'iterable',
      settings: { dataCenter: 'US' },
      apiKey: 'api_key_1234567890',
    })
    expect(dest).toMatchObject({ id: 'dest', hasApiKey: true, enabled: true, paused: null })
    expect(dest.settings).toEqual({ dataCenter: 'US' })
    expect(JSON.stringify(dest)).not.toContain('api_key_1234567890')
    expect(await ctx.store.getDestinationApiKey('dest')).toBe('api_key_1234567890')
    // A taken id is a conflict; any other refused row is not called one.
    await expect(
      ctx.store.createDestination({ id: 'dest', name: 'Again', kind: 'iterable' }),
    ).rejects.toMatchObject({
      code: 'conflict',
    })
    await expect(
      ctx.store.createDestination({ name: 'No kind', kind: null as unknown as string }),
    ).rejects.not.toMatchObject({ code: 'conflict' })

    expect(await ctx.store.setDestinationPaused('dest', { reason: '401 Unauthorized', since: T0 })).toBe(true)
    expect((await ctx.store.getDestination('dest'))?.paused).toEqual({
      reason: '401 Unauthorized',
      since: T0,
    })
    await ctx.store.setDestinationPaused('dest', null)
    expect((await ctx.store.getDestination('dest'))?.paused).toBeNull()

    const updated = await ctx.store.updateDestination('dest', {
      name: 'Iterable EU',
      enabled: false,
      apiKey: 'k2_abcdefghijk',
    })
    expect(updated).toMatchObject({ name: 'Iterable EU', enabled: false, hasApiKey: true })
    expect(updated?.settings).toEqual({ dataCenter: 'US' })
    expect(await ctx.store.getDestinationApiKey('dest')).toBe('k2_abcdefghijk')
    expect((await ctx.store.updateDestination('dest', { apiKey: null }))?.hasApiKey).toBe(false)
    expect(await ctx.store.getDestinationApiKey('dest')).toBeNull()
    expect(await ctx.store.updateDestination('missing', { name: 'x' })).toBeNull()
    expect(await ctx.store.listDestinations()).toHaveLength(1)
  })

  it('never keeps API keys or write keys in clear text at rest', async () => {
    const apiKey = 'ITERABLE_KEY_cafebabe0123456789'
    const writeKey = 'WRITE_KEY_deadbeef0123456789'
    await ctx.store.createDestination({ id: 'dest', name: 'D', kind: 'iterable', apiKey })
    await ctx.store.createSource({ id: 'src', name: 'S', writeKey })
    await ctx.store.updateDestination('dest', { apiKey: apiKey + 'X' })
    const raw = await ctx.harness.rawContents()
    expect(raw.length).toBeGreaterThan(0)
    expect(raw).toContain('dest') // the dump really covers the tables
    expect(raw).not.toContain(apiKey)
    expect(raw).not.toContain(writeKey)
  })

  it('orders, counts, updates and cascades mappings', async () => {
    await ctx.store.createDestination({ id: 'dest', name: 'D', kind: 'iterable' })
    await ctx.store.createDestination({ id: 'other', name: 'O', kind: 'iterable' })
    const a = await ctx.store.createMapping({
      id: 'a',
      destinationId: 'dest',
      name: 'Identify',
      trigger: 'type = "identify"',
      action: 'upsertUser',
      fields: { email: { '@path': '$.traits.email' } },
      batching: { enabled: true, size: 500 },
    })
    const b = await ctx.store.createMapping({
      id: 'b',
      destinationId: 'dest',
      name: 'Track',
      trigger: 'type = "track"',
      action: 'trackEvent',
    })
    await ctx.store.createMapping({
      id: 'c',
      destinationId: 'other',
      name: 'X',
      trigger: 'true',
      action: 'trackEvent',
    })
    expect([a.position, b.position]).toEqual([0, 1])
    expect(a.batching).toEqual({ enabled: true, size: 500 })
    expect(b.batching).toBeNull()
    expect(a.fields).toEqual({ email: { '@path': '$.traits.email' } })
    expect(await ctx.store.countMappings('dest')).toBe(2)
    await ctx.store.updateMapping('a', { position: 5, enabled: false })
    expect((await ctx.store.listMappings('dest')).map((m) => m.id)).toEqual(['b', 'a'])
    expect((await ctx.store.getMapping('a'))?.enabled).toBe(false)
    await expect(
      ctx.store.createMapping({ destinationId: 'missing', name: 'X', trigger: 'true', action: 'trackEvent' }),
    ).rejects.toBeInstanceOf(StoreError)
    expect(await ctx.store.deleteMapping('b')).toBe(true)
    expect(await ctx.store.countMappings('dest')).toBe(1)
    await ctx.store.deleteDestination('dest')
    expect((await ctx.store.listMappings()).map((m) => m.id)).toEqual(['c'])
  })

  it('saves revisions: the same number for the latest config, a new one otherwise; gets them back', async () => {
    const store = ctx.store
    expect(await store.latestConfigRevision()).toBeNull()
    const a = await store.saveConfigRevision('{"config":"A"}', T0)
    expect(await store.saveConfigRevision('{"config":"A"}', T0 + 1)).toBe(a)
    const b = await store.saveConfigRevision('{"config":"B"}', T0 + 2)
    expect(b).toBeGreaterThan(a)
    // Back to A: a new revision (revisions are a history, not a set).
    const a2 = await store.saveConfigRevision('{"config":"A"}', T0 + 3)
    expect(a2).toBeGreaterThan(b)
    expect(await store.getConfigRevision(a)).toEqual({ revision: a, createdAt: T0, config: '{"config":"A"}' })
    expect(await store.getConfigRevision(b)).toEqual({
      revision: b,
      createdAt: T0 + 2,
      config: '{"config":"B"}',
    })
    expect(await store.latestConfigRevision()).toEqual({
      revision: a2,
      createdAt: T0 + 3,
      config: '{"config":"A"}',
    })
    expect(await store.getConfigRevision(a2 + 100)).toBeNull()
    await ctx.reopen()
    expect((await ctx.store.latestConfigRevision())?.revision).toBe(a2)
  })
}
