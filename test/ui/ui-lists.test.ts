// Sync To Iterable Lists in the admin UI, in a real browser: a mapping created from the list preset
// "Entities Audience Membership Changed (Lists)" (a specific-event preset: the draft takes a trigger),
// its list chosen from the destination's Iterable lists (the built-in sandbox's GET /api/lists), saved
// with the chosen list id and the preset's defaults for the other fields.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { openBrowser, signIn, type BrowserSession } from './browser.js'

const ADMIN_TOKEN = 'ui-lists-token-000001'

let service: RunningService
let session: BrowserSession
let page: Page
let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'ia-ui-lists-'))
  service = await startService({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    sandbox: true,
    adminToken: ADMIN_TOKEN,
    logger: pino({ level: 'silent' }),
  })
  session = await openBrowser()
  page = session.page
  page.setDefaultTimeout(20_000)
}, 120_000)

afterAll(async () => {
  await session?.close()
  await service?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name })

describe('Sync To Iterable Lists in the UI', { timeout: 90_000 }, () => {
  it('creates a mapping from a list preset, picks the list from Iterable’s lists and saves it', async () => {
    // A list in the sandbox's project, as one made in Iterable's UI would be.
    const list = service.sandbox!.state.project().createList('vip_users')
    await signIn(page, service.url, ADMIN_TOKEN)
    await page.getByRole('link', { name: 'Mappings', exact: true }).click()
    await heading('Mappings').waitFor()
    const preset = 'Entities Audience Membership Changed (Lists)'
    await page.getByLabel('Create a mapping from a preset').selectOption(preset)
    await page.getByRole('button', { name: 'Create mapping' }).click()
    await heading(`New mapping from "${preset}"`).waitFor()
    await page.getByLabel('Name', { exact: true }).fill('VIP list from the UI')
    await page.getByLabel('Trigger', { exact: true }).fill('type = "identify" and traits.vip_users != null')

    const picker = page.getByLabel('Segment External Audience ID: Iterable list')
    await picker
      .locator('option', { hasText: `vip_users (Standard) — ${list.id}` })
      .waitFor({ state: 'attached' })
    await picker.selectOption(String(list.id))
    await page.getByRole('button', { name: 'Save new mapping' }).click()
    await heading(/^Mapping: VIP list from the UI/).waitFor()

    const [mapping] = (await service.store.listMappings()).filter((m) => m.action === 'syncAudience')
    expect(mapping.trigger).toBe('type = "identify" and traits.vip_users != null')
    expect(mapping.fields.segmentAudienceId).toBe(String(list.id))
    expect(mapping.fields.segmentAudienceKey).toEqual({ '@path': '$.context.personas.computation_key' })
    expect(mapping.fields.traitsOrProperties).toMatchObject({ '@if': { then: { '@path': '$.traits' } } })
  })
})
