// Update Subscriptions in the admin UI, in a real browser: a mapping created from the optional preset
// "Subscriptions Updated Calls", a row whose group is chosen from the destination's Iterable channels
// (the built-in sandbox), saved as the stored subscriptions list.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { openBrowser, signIn, type BrowserSession } from './browser.js'

const ADMIN_TOKEN = 'ui-subscriptions-token-01'

let service: RunningService
let session: BrowserSession
let page: Page
let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'ia-ui-subs-'))
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

describe('Update Subscriptions in the UI', { timeout: 90_000 }, () => {
  it('chooses a group from Iterable’s channels and saves the rows as the subscriptions list', async () => {
    await signIn(page, service.url, ADMIN_TOKEN)
    await page.getByRole('link', { name: 'Mappings', exact: true }).click()
    await heading('Mappings').waitFor()
    await page.getByLabel('Create a mapping from a preset').selectOption('Subscriptions Updated Calls')
    await page.getByRole('button', { name: 'Create mapping' }).click()
    // A draft: nothing is stored until it is saved under a name of its own.
    await heading('New mapping from "Subscriptions Updated Calls"').waitFor()
    await page.getByLabel('Name', { exact: true }).fill('Subscriptions from the UI')

    await page.getByRole('button', { name: 'Add subscription row' }).click()
    await page.getByLabel('Group type of row 1').selectOption('messageChannel')
    // The choices come from the sandbox's GET /api/channels, labelled as Segment labels them.
    const group = page.getByLabel('Group of row 1')
    await group
      .locator('option', { hasText: 'Marketing Email (Email - Marketing) — 1' })
      .waitFor({ state: 'attached' })
    await group.selectOption('1')
    await page.getByLabel('Action of row 1').selectOption('unsubscribe')
    await page.getByRole('button', { name: 'Save new mapping' }).click()
    await heading(/^Mapping: Subscriptions from the UI/).waitFor()

    const [mapping] = (await service.store.listMappings()).filter((m) => m.action === 'updateSubscriptions')
    expect(mapping.fields.subscriptions).toEqual([
      { subscription_group_type: 'messageChannel', subscription_group_id: '1', action: 'unsubscribe' },
    ])
  })
})
