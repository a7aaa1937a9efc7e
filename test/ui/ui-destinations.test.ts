// The admin UI with two destinations, in a real browser: a mapping is created for the destination
// chosen (the limit of 50 counts per destination), the list says whose each mapping is, and Test
// mapping runs "all enabled mappings" of one destination (the admin API needs to know which).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { defaultMappings } from '../../src/config/index.js'
import { openBrowser, signIn, type BrowserSession } from './browser.js'

const ADMIN_TOKEN = 'ui-two-destinations-token'

let service: RunningService
let session: BrowserSession
let page: Page
let dataDir: string
let stagingId: string

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'ia-ui-two-'))
  service = await startService({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    sandbox: true,
    adminToken: ADMIN_TOKEN,
    logger: pino({ level: 'silent' }),
  })
  const staging = await service.store.createDestination({
    name: 'staging',
    kind: 'iterable',
    settings: { dataCenterLocation: 'united_states' },
    apiKey: null,
  })
  stagingId = staging.id
  const [track] = defaultMappings().filter((m) => m.name === 'Track Calls')
  await service.store.createMapping({
    destinationId: stagingId,
    name: 'Staging tracks',
    trigger: track.trigger,
    action: track.action,
    fields: track.fields,
  })
  await service.delivery.reload()
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

describe('admin UI with two destinations', { timeout: 90_000 }, () => {
  it('creates a mapping for the chosen destination and shows whose each mapping is', async () => {
    await signIn(page, service.url, ADMIN_TOKEN)
    await page.getByRole('link', { name: 'Mappings', exact: true }).click()
    await heading('Mappings').waitFor()
    // The default destination has the four presets; staging has one mapping.
    await page.getByText('4 of 50 mappings used in iterable.').waitFor()
    await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'staging' })
    await page.getByText('1 of 50 mappings used in staging.').waitFor()
    await page.getByLabel('Create a mapping from a preset').selectOption('Order Completed Calls')
    await page.getByRole('button', { name: 'Create mapping' }).click()
    await heading('New mapping from "Order Completed Calls"').waitFor()
    await page.getByLabel('Name', { exact: true }).fill('Staging orders')
    await page.getByRole('button', { name: 'Save new mapping' }).click()
    await heading(/^Mapping: Staging orders/).waitFor()
    const created = (await service.store.listMappings(stagingId)).map((m) => [m.name, m.enabled])
    expect(created).toEqual([
      ['Staging tracks', true],
      ['Staging orders', false],
    ])

    await page.getByRole('link', { name: 'Mappings', exact: true }).click()
    await heading('Mappings').waitFor()
    const row = page.getByRole('row', { name: /Staging tracks/ })
    await row.getByRole('cell', { name: 'staging', exact: true }).waitFor()
  })

  it('tests all enabled mappings of one destination', async () => {
    await page.getByRole('link', { name: 'Test mapping', exact: true }).click()
    await heading('Test mapping').waitFor()
    const select = page.getByLabel('Mapping', { exact: true })
    await select.selectOption({ label: 'All enabled mappings of staging whose trigger matches' })
    await page.getByRole('button', { name: 'Show payload and requests' }).click()
    // The sample event is a track: staging's Track Calls copy answers (its Order Completed does not match).
    await page.getByTestId('test-result').first().waitFor()
    expect(await page.getByTestId('test-result').count()).toBe(1)
    expect(await page.getByRole('alert').count()).toBe(0)
  })
})
