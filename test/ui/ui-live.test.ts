// Live events, the Overview's event volume and the mapping editor's sample, batching and preview,
// in a real browser (chromium through playwright-core) against the service with the built-in sandbox.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { docsImage, openBrowser, signIn, type BrowserSession } from './browser.js'

const ADMIN_TOKEN = 'ui-live-token-0123'
const WRITE_KEY = 'wk_ui_live_0123456789'

let service: RunningService
let session: BrowserSession
let page: Page
let dataDir: string
const cspViolations: string[] = []

const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name })

async function send(type: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${service.url}/v1/${type}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
}

beforeAll(async () => {
  if (!existsSync(path.resolve('dist/web/index.html'))) {
    execFileSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { stdio: 'inherit' })
  }
  dataDir = mkdtempSync(path.join(tmpdir(), 'ia-ui-live-'))
  service = await startService({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    sandbox: true,
    writeKey: WRITE_KEY,
    adminToken: ADMIN_TOKEN,
    logger: pino({ level: 'silent' }),
    delivery: { pollMs: 50, lingerMs: 20, rateLimits: false },
  })
  session = await openBrowser()
  page = session.page
  await page.setViewportSize({ width: 1280, height: 800 })
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(message.text()))
      cspViolations.push(message.text())
  })
  page.setDefaultTimeout(20_000)
}, 120_000)

afterAll(async () => {
  await session?.close()
  await service?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('live events, volume and the mapping editor in the browser', { timeout: 120_000 }, () => {
  it('shows new events as they arrive, filtered on the server, each linking to its lookup', async () => {
    await send('track', { userId: 'before-1', event: 'Sent Before', messageId: 'live-before' })
    await signIn(page, service.url, ADMIN_TOKEN)
    await page.getByRole('link', { name: 'Live events', exact: true }).click()
    await heading('Live events').waitFor()
    const status = page.getByTestId('live-status')
    await status.filter({ hasText: 'Listening for new events' }).waitFor()

    await send('track', { userId: 'jane', event: 'Product Viewed', messageId: 'live-1' })
    await send('identify', { userId: 'jane', traits: { email: 'jane@example.com' }, messageId: 'live-2' })
    await send('track', { userId: 'jane', event: 'Order Completed', messageId: 'live-3' })
    const rows = page.getByTestId('live-events').locator('tbody tr')
    await status.filter({ hasText: '3 shown' }).waitFor()
    // Newest first; what was sent before the page opened is not shown.
    expect(await rows.locator('td:nth-child(6)').allInnerTexts()).toEqual(['live-3', 'live-2', 'live-1'])
    expect(await rows.nth(1).innerText()).toContain('identify')
    expect(await rows.nth(0).innerText()).toContain('default')

    // The filter goes to the server: the table starts again and shows only what passes.
    await page.getByLabel('Type').selectOption('track')
    await page.getByLabel('Event name contains').fill('order')
    await status.filter({ hasText: '0 shown' }).waitFor()
    // The name filter is debounced: wait until the stream was opened with it.
    await page.waitForResponse((r) => r.url().includes('/live-events') && r.url().includes('event=order'))
    await status.filter({ hasText: 'Listening for new events. 0 shown' }).waitFor()
    await send('track', { userId: 'jane', event: 'Product Viewed', messageId: 'live-4' })
    await send('identify', { userId: 'jane', messageId: 'live-5' })
    await send('track', { userId: 'jane', event: 'Order Completed', messageId: 'live-6' })
    await status.filter({ hasText: '1 shown' }).waitFor()
    await send('track', { userId: 'jane', event: 'Cart Updated', messageId: 'live-7' })
    await send('track', { userId: 'jane', event: 'order completed again', messageId: 'live-8' })
    await status.filter({ hasText: '2 shown' }).waitFor()
    expect(await rows.locator('td:nth-child(6)').allInnerTexts()).toEqual(['live-8', 'live-6'])
    // The admin token never appears in a URL.
    expect(cspViolations).toEqual([])

    await page.getByRole('link', { name: 'live-6' }).click()
    await heading('Event lookup').waitFor()
    await page.getByText('Order Completed').first().waitFor()
  })

  it('refreshes the screenshot of the live page with a few events', async () => {
    await page.getByRole('link', { name: 'Live events', exact: true }).click()
    await page.getByTestId('live-status').filter({ hasText: 'Listening' }).waitFor()
    const events = [
      ['track', { userId: 'u-17', event: 'Product Viewed', messageId: 'msg-a1' }],
      ['page', { userId: 'u-17', name: 'Pricing', messageId: 'msg-a2' }],
      ['identify', { userId: 'u-17', traits: { plan: 'pro' }, messageId: 'msg-a3' }],
      ['track', { anonymousId: 'anon-9', event: 'Cart Updated', messageId: 'msg-a4' }],
      ['track', { userId: 'u-17', event: 'Order Completed', messageId: 'msg-a5' }],
    ] as const
    for (const [type, body] of events) await send(type, body)
    await page.getByTestId('live-status').filter({ hasText: '5 shown' }).waitFor()
    await docsImage(page, 'ui-live-events', { fullPage: true })
  })

  it('shows the last hour by source and by event name on the Overview', async () => {
    await page.getByRole('link', { name: 'Overview', exact: true }).click()
    await heading('Overview').waitFor()
    const card = page.getByTestId('event-volume')
    // 14 events were sent so far, all from the default source.
    await card.getByTestId('volume-total').filter({ hasText: /^14$/ }).waitFor()
    const bySource = card.getByRole('table', { name: 'Events by source' })
    expect(await bySource.innerText()).toMatch(/default\s+14/)
    const byName = card.getByRole('table', { name: 'Events by name' })
    expect(await byName.innerText()).toMatch(/Order Completed\s+3/)
    expect(await byName.innerText()).toMatch(/identify\s+3/)
    expect(await byName.innerText()).toMatch(/page: Pricing\s+1/)
    await docsImage(page, 'ui-overview', { fullPage: true })
  })

  it('edits a mapping on a stored sample that matches its trigger, with batching and a live preview', async () => {
    await page.getByRole('link', { name: 'Mappings', exact: true }).click()
    await heading('Mappings').waitFor()
    await page.getByLabel('Create a mapping from a preset').selectOption('Identify Calls')
    await page.getByRole('button', { name: 'Create mapping' }).click()
    await heading('New mapping from "Identify Calls"').waitFor()

    // The sample is the newest stored identify (msg-a3), not a built-in track event.
    await page.getByTestId('sample-origin').filter({ hasText: 'msg-a3' }).waitFor()
    expect(JSON.parse(await page.getByLabel('Sample event (JSON)').inputValue())).toMatchObject({
      type: 'identify',
      userId: 'u-17',
      traits: { plan: 'pro' },
    })

    // The preview: the request Iterable would get for that event, refreshed after an edit.
    const preview = page.getByTestId('mapping-preview')
    await preview.getByTestId('test-request').first().waitFor()
    expect(await preview.innerText()).toContain('/api/users/update')
    expect(await preview.innerText()).toContain('"userId": "u-17"')
    await page.locator('#field-userId').fill('$.traits.plan')
    await preview.getByText('"userId": "pro"').first().waitFor()

    // Batching within the action's limit: out of range is refused next to the size.
    await page.getByLabel(/^Batch size/).fill('5000')
    await page.locator('#batch-size-error').filter({ hasText: 'from 1 to 1000' }).waitFor()
    await page.getByLabel('Name', { exact: true }).fill('Identify from the editor')
    await page.getByRole('button', { name: 'Save new mapping' }).click()
    await page.getByText('Not saved: see the batch size.').waitFor()
    expect((await service.store.listMappings()).some((m) => m.name === 'Identify from the editor')).toBe(
      false,
    )
    await page.getByLabel(/^Batch size/).fill('250')
    await preview.getByText(/bulk requests of up to 250 events/).waitFor()
    await page.getByRole('button', { name: 'Save new mapping' }).click()
    await heading('Mapping: Identify from the editor').waitFor()
    const saved = (await service.store.listMappings()).find((m) => m.name === 'Identify from the editor')
    expect(saved?.batching).toEqual({ enabled: true, size: 250 })
    expect(saved?.fields.userId).toEqual({ '@path': '$.traits.plan' })
    expect(saved?.fields).not.toHaveProperty('enable_batching')
    // Reopened, the editor shows what was stored.
    expect(await page.getByLabel(/^Batch size/).inputValue()).toBe('250')
    await page.locator('details.card summary').click()
    await preview.getByText('"userId": "pro"').first().waitFor()
    await docsImage(page, 'ui-mapping-editor', { fullPage: true })
  })

  it('falls back to a built-in sample of the trigger’s type when no stored event matches', async () => {
    await page.getByRole('link', { name: 'Mappings', exact: true }).click()
    await heading('Mappings').waitFor()
    await page.getByLabel('Create a mapping from a preset').selectOption('Screen Calls')
    await page.getByRole('button', { name: 'Create mapping' }).click()
    await heading('New mapping from "Screen Calls"').waitFor()
    await page.getByTestId('sample-origin').filter({ hasText: 'built-in screen sample' }).waitFor()
    expect(JSON.parse(await page.getByLabel('Sample event (JSON)').inputValue())).toMatchObject({
      type: 'screen',
    })
    // Its preview matches the trigger.
    await page.getByTestId('mapping-preview').getByText('The trigger matches this event.').waitFor()
    expect(cspViolations).toEqual([])
  })

  it('offers a mobile identify with a push token for Device Token Calls, and alias for Alias Calls', async () => {
    for (const [preset, endpoint] of [
      ['Device Token Calls', '/api/users/registerDeviceToken'],
      ['Alias Calls', '/api/users/merge'],
    ] as const) {
      await page.getByRole('link', { name: 'Mappings', exact: true }).click()
      await heading('Mappings').waitFor()
      await page.getByLabel('Create a mapping from a preset').selectOption(preset)
      await page.getByRole('button', { name: 'Create mapping' }).click()
      await heading(`New mapping from "${preset}"`).waitFor()
      const preview = page.getByTestId('mapping-preview')
      await preview.getByText('The trigger matches this event.').waitFor()
      await preview.getByText(endpoint).first().waitFor()
    }
    expect(cspViolations).toEqual([])
  })
})
