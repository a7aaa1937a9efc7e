// The admin UI in a real browser (Debian's chromium + playwright-core) against a real service with
// the built-in sandbox: sign in, create a mapping from a preset, break and fix its trigger, test it,
// send events and see them counted on Overview, replay a dead letter, filter and discard dead
// letters, look events up (by message and by user: what was sent), disable/enable/delete a mapping,
// sign out.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { Page } from 'playwright-core'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { DATABASE_FILE } from '../../src/store/sqlite/open.js'
import { docsImage, openBrowser, screenshot, type BrowserSession } from './browser.js'

const ADMIN_TOKEN = 'ui-admin-token-0123456789'
const WRITE_KEY = 'wk-ui-test-write-key'

let service: RunningService
let session: BrowserSession
let page: Page
let dataDir: string
const cspViolations: string[] = []

async function admin<T>(pathname: string): Promise<T> {
  const response = await fetch(service.url + '/api/admin' + pathname, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  })
  expect(response.status).toBe(200)
  return (await response.json()) as T
}

async function ingest(events: Array<Record<string, unknown>>): Promise<void> {
  const response = await fetch(service.url + '/v1/batch', {
    method: 'POST',
    headers: {
      authorization: 'Basic ' + Buffer.from(WRITE_KEY + ':').toString('base64'),
      'content-type': 'application/json',
    },
    body: JSON.stringify({ batch: events }),
  })
  expect(response.status).toBe(200)
}

async function waitFor(predicate: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const link = (name: string) => page.getByRole('link', { name, exact: true })
const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name })

beforeAll(async () => {
  // `npm test` builds first; a lone run of this file builds the UI itself.
  if (!existsSync(path.resolve('dist/web/index.html'))) {
    execFileSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { stdio: 'inherit' })
  }
  dataDir = mkdtempSync(path.join(tmpdir(), 'ia-ui-data-'))
  service = await startService({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    sandbox: true,
    writeKey: WRITE_KEY,
    adminToken: ADMIN_TOKEN,
    logger: pino({ level: 'silent' }),
    delivery: {
      pollMs: 50,
      lingerMs: 20,
      retryBaseMs: 20,
      retryMaxDelayMs: 50,
      retryWindowMs: 300,
      rateLimits: false,
    },
  })
  session = await openBrowser()
  page = session.page
  // The UI is served with a strict Content-Security-Policy: anything it blocks is a bug.
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(message.text()))
      cspViolations.push(message.text())
  })
  // Generous: CI runs this beside the rest of the suite.
  page.setDefaultTimeout(20_000)
}, 120_000)

afterAll(async () => {
  await session?.close()
  await service?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('admin UI in the browser', { timeout: 90_000 }, () => {
  it('signs in with the admin token (a wrong one is explained) and stays signed in', async () => {
    await page.goto(service.url + '/')
    const token = page.getByLabel('Admin token', { exact: true })
    await token.fill('not-the-token')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('alert').filter({ hasText: 'That admin token is not right' }).waitFor()
    await screenshot(page, 'sign-in-error')

    // Keyboard only: type the token and press Enter.
    await token.fill('')
    await token.focus()
    await page.keyboard.type(ADMIN_TOKEN)
    await page.keyboard.press('Enter')
    await heading('Overview').waitFor()
    for (const name of [
      'Overview',
      'Destination',
      'Mappings',
      'Test mapping',
      'Dead letters',
      'Event lookup',
    ]) {
      expect(await link(name).count()).toBe(1)
    }
    await page.reload()
    await heading('Overview').waitFor()
    expect(await page.getByLabel('Admin token').count()).toBe(0)
  })

  it('shows the destination with the API key masked and tests the connection', async () => {
    // Keyboard: links are real links; after navigation the focus lands on the page heading.
    await link('Destination').focus()
    await page.keyboard.press('Enter')
    await heading('Destination').waitFor()
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Destination')
    await page.getByText(/A key is set/).waitFor()
    expect(await page.getByLabel('API key').inputValue()).toBe('')
    expect(await page.content()).not.toContain(service.sandbox?.apiKey ?? 'no-key')
    await page.getByRole('button', { name: 'Test connection' }).click()
    await page.getByText(/^Connected:/).waitFor()
  })

  let mappingId = ''

  it('creates a mapping from a preset as a draft: nothing stored until saved with a unique name, saved disabled, then enabled', async () => {
    const stored = async () => (await admin<{ items: Array<{ id: string }> }>('/mappings')).items.length
    const before = await stored()
    await link('Mappings').click()
    await heading('Mappings').waitFor()
    // The preset select shows its first preset, not a blank.
    expect(await page.getByLabel('Create a mapping from a preset').inputValue()).toBe('Track Calls')
    await page.getByLabel('Create a mapping from a preset').selectOption('Track Calls')
    await page.getByRole('button', { name: 'Create mapping' }).click()
    await heading('New mapping from "Track Calls"').waitFor()
    expect(new URL(page.url()).pathname).toBe('/mappings/new')
    expect(await stored()).toBe(before)
    expect(await page.getByLabel('Enabled').count()).toBe(0)

    // No name, then the name of an existing mapping (any case): refused next to the name, nothing stored.
    const name = page.getByLabel('Name', { exact: true })
    await page.getByRole('button', { name: 'Save new mapping' }).click()
    await page.getByText('Give the mapping a name (unique in its destination).').waitFor()
    await name.fill('track calls')
    await page.getByRole('button', { name: 'Save new mapping' }).click()
    await page
      .getByText(
        /already has a mapping named "track calls" \("Track Calls": names are compared ignoring case\)/,
      )
      .waitFor()
    await page.getByText('Not saved: see the name.').waitFor()
    await docsImage(page, 'ui-mapping-draft', { fullPage: true })
    expect(await stored()).toBe(before)

    await name.fill('UI test mapping')
    await page.getByRole('button', { name: 'Save new mapping' }).click()
    await heading(/^Mapping: UI test mapping/).waitFor()
    await page.getByText('Mapping created, disabled', { exact: false }).waitFor()
    mappingId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '')
    expect(mappingId).not.toBe('')
    expect(await stored()).toBe(before + 1)
    expect((await admin<{ enabled: boolean }>(`/mappings/${encodeURIComponent(mappingId)}`)).enabled).toBe(
      false,
    )
    // Enabling is an explicit step.
    await page.getByLabel('Enabled').check()
    await page.getByRole('button', { name: 'Save mapping' }).click()
    await page.getByText('Mapping saved.').waitFor()
    expect((await admin<{ enabled: boolean }>(`/mappings/${encodeURIComponent(mappingId)}`)).enabled).toBe(
      true,
    )
  })

  it('shows a broken trigger error and saves the fixed one', async () => {
    await page.goto(`${service.url}/mappings/${encodeURIComponent(mappingId)}`)
    await heading(/^Mapping: UI test mapping/).waitFor()
    // Required fields are marked, descriptions come from the action definition.
    expect(await page.locator('.field .required').count()).toBeGreaterThan(0)

    const trigger = page.getByLabel('Trigger', { exact: true })
    await trigger.fill('type = "track" and')
    const problem = page.getByTestId('trigger-error')
    await problem.waitFor()
    expect(await problem.textContent()).toMatch(/line 1, column 19/)
    await page.getByRole('button', { name: 'Save mapping' }).click()
    await page.getByText('Not saved: see the trigger.').waitFor()
    await screenshot(page, 'mapping-editor-trigger-error')

    // Field errors appear next to the field: invalid JSON (caught in the browser), then an unknown
    // directive (rejected by the API, whose error path names the field).
    const eventId = page.locator('.field[data-field="id"]')
    await eventId.getByLabel('Directive (JSON)').check()
    await page.getByLabel('Event ID', { exact: true }).fill('{"@foo": ')
    await page.getByRole('button', { name: 'Save mapping' }).click()
    await eventId.getByRole('alert').filter({ hasText: 'This is not valid JSON' }).waitFor()
    await page.getByLabel('Event ID', { exact: true }).fill('{"@foo": "x"}')
    await trigger.fill('type = "track"')
    await page.getByTestId('trigger-ok').waitFor()
    await page.getByRole('button', { name: 'Save mapping' }).click()
    await eventId.getByRole('alert').filter({ hasText: 'Event ID has an invalid directive: @foo' }).waitFor()
    await eventId.getByLabel('Path from event').check()
    await page.getByLabel('Event ID', { exact: true }).fill('')
    await eventId.getByLabel(/^Pick a path for Event ID/).selectOption('$.messageId')
    expect(await page.getByLabel('Event ID', { exact: true }).inputValue()).toBe('$.messageId')

    await trigger.fill('type = "track" and event = "UI Test"')
    await page.getByTestId('trigger-ok').waitFor()
    await page.getByLabel('Name', { exact: true }).fill('UI test mapping')
    await page.getByRole('button', { name: 'Save mapping' }).click()
    await page.getByText('Mapping saved.').waitFor()
    const saved = await admin<{ name: string; trigger: string; fields: Record<string, unknown> }>(
      `/mappings/${encodeURIComponent(mappingId)}`,
    )
    expect(saved).toMatchObject({
      name: 'UI test mapping',
      trigger: 'type = "track" and event = "UI Test"',
      fields: { id: { '@path': '$.messageId' } },
    })
  })

  it('tests the mapping against an event: payload, request, and the response when sent', async () => {
    await page.locator('main').getByRole('link', { name: 'Test mapping' }).click()
    await heading('Test mapping').waitFor()
    // The mapping list loads after the page: its option must exist before the select can show it.
    await page.locator(`#test-mapping-select option[value="${mappingId}"]`).waitFor({ state: 'attached' })
    expect(await page.getByLabel('Mapping', { exact: true }).inputValue()).toBe(mappingId)
    const event = {
      type: 'track',
      event: 'UI Test',
      userId: 'ui-user-1',
      messageId: 'ui-preview-1',
      properties: { plan: 'pro' },
    }
    await page.getByLabel(/^Event \(JSON/).fill(JSON.stringify(event))
    await page.getByRole('button', { name: 'Show payload and requests' }).click()
    const request = page.getByTestId('test-request')
    await request.waitFor()
    const text = (await request.textContent()) ?? ''
    expect(text).toContain('/api/events/track')
    expect(text).toContain('"eventName": "UI Test"')
    await docsImage(page, 'ui-test-mapping', { fullPage: true })

    await page.getByRole('button', { name: 'Send to Iterable' }).click()
    const response = page.getByTestId('test-response')
    await response.waitFor()
    expect(await response.textContent()).toMatch(/HTTP 200/)
    // The duration in whole milliseconds, not "42.944851999985985 ms".
    expect(await response.textContent()).toMatch(/, \d+ ms\)/)
  })

  it('counts events sent over the ingest API on Overview', async () => {
    const events = Array.from({ length: 5 }, (_, i) => ({
      type: 'track',
      event: 'UI Test',
      userId: `ui-user-${i}`,
      messageId: `ui-count-${i}`,
      properties: { n: i },
    }))
    await ingest(events)
    let delivered = 0
    await waitFor(async () => {
      const [counts, queues] = await Promise.all([
        admin<{ totals: { delivered: number } }>('/deliveries/counts'),
        admin<{ totalDepth: number }>('/queues'),
      ])
      delivered = counts.totals.delivered
      // Two enabled mappings match "UI Test": the default Track Calls and ours.
      return queues.totalDepth === 0 && delivered >= 10
    }, 'the events to be delivered')

    await link('Overview').click()
    await heading('Overview').waitFor()
    await page.getByRole('button', { name: 'Refresh' }).click()
    const tile = page.locator('[data-outcome="delivered"] .value')
    await waitFor(
      async () => (await tile.textContent()) === String(delivered),
      `Overview to show ${delivered} delivered`,
    )
    expect(await page.locator('svg[role="img"]').count()).toBeGreaterThanOrEqual(2)
    await screenshot(page, 'overview')

    await link('Mappings').click()
    const row = page.getByRole('row').filter({ hasText: 'UI test mapping' })
    await row.waitFor()
    expect(await row.textContent()).toContain('5 / 0 / 0')
  })

  it('picks a recent event in Test mapping and previews it', async () => {
    await link('Test mapping').click()
    await heading('Test mapping').waitFor()
    const recent = page.getByLabel('Pick a recent event')
    await page.locator('#recent-event option', { hasText: 'ui-count-4' }).waitFor({ state: 'attached' })
    const value = await page.locator('#recent-event option', { hasText: 'ui-count-4' }).getAttribute('value')
    await recent.selectOption(value ?? '')
    expect(JSON.parse(await page.getByLabel(/^Event \(JSON/).inputValue())).toMatchObject({
      messageId: 'ui-count-4',
      userId: 'ui-user-4',
    })
    await page.getByRole('button', { name: 'Show payload and requests' }).click()
    // No mapping chosen: every enabled mapping whose trigger matches (the default Track Calls and ours).
    await page.getByTestId('test-result').nth(1).waitFor()
    expect(await page.getByTestId('test-result').count()).toBe(2)
  })

  it('lists a dead letter, inspects it and replays it', async () => {
    service.sandbox?.setFaults({ outageSeconds: 60 })
    await ingest([{ type: 'track', event: 'Dead Soon', userId: 'ui-dead', messageId: 'ui-dead-1' }])
    await waitFor(
      async () => (await service.store.listDeadLetters()).items.some((d) => d.messageId === 'ui-dead-1'),
      'a dead letter',
    )
    service.sandbox?.setFaults({ outageSeconds: 0 })

    await link('Dead letters').click()
    await heading('Dead letters').waitFor()
    const row = page.getByTestId('dead-letter-row').filter({ hasText: 'ui-dead-1' })
    await row.waitFor()
    await row.getByRole('button', { name: /^Inspect/ }).click()
    const detail = page.getByTestId('dead-letter-detail')
    await detail.getByText('Why:').waitFor()
    expect(await detail.textContent()).toContain('Dead Soon')
    await screenshot(page, 'dead-letters')

    await row.getByRole('button', { name: /^Replay/ }).click()
    await page.getByText('1 dead letter queued for delivery again.').waitFor()
    await waitFor(
      async () =>
        (await service.store.lookupEvent('ui-dead-1')).outcomes.some((o) => o.outcome === 'delivered'),
      'the replayed event to be delivered',
    )
    await waitFor(async () => (await row.count()) === 0, 'the replayed row to leave the list')
  })

  it('filters dead letters by mapping and reason, and discards one with the keyboard', async () => {
    // "UI Test" matches two mappings (Track Calls and ours): one dead letter each.
    service.sandbox?.setFaults({ outageSeconds: 60 })
    await ingest([{ type: 'track', event: 'UI Test', userId: 'ui-dead', messageId: 'ui-dead-2' }])
    const deadOf = async (messageId: string) =>
      (await service.store.listDeadLetters()).items.filter((d) => d.messageId === messageId)
    await waitFor(async () => (await deadOf('ui-dead-2')).length === 2, 'two dead letters')
    service.sandbox?.setFaults({ outageSeconds: 0 })

    await link('Overview').click()
    await link('Dead letters').click()
    await heading('Dead letters').waitFor()
    const count = page.getByTestId('dead-letter-count')
    const rows = page.getByTestId('dead-letter-row')
    // ui-dead-1 was replayed above: hidden unless "Include replayed".
    await count.filter({ hasText: /^2 dead letters\.$/ }).waitFor()
    expect(await rows.count()).toBe(2)

    await page.getByLabel('Mapping', { exact: true }).selectOption({ label: 'UI test mapping' })
    await page.getByRole('button', { name: 'Filter', exact: true }).click()
    await count.filter({ hasText: /^1 dead letter matches this filter\.$/ }).waitFor()
    expect(await rows.count()).toBe(1)
    expect(await rows.first().textContent()).toContain('UI test mapping')

    await page.getByLabel('Reason contains').fill('nothing like this')
    await page.keyboard.press('Enter')
    await count.filter({ hasText: 'No dead letters match this filter.' }).waitFor()
    expect(await rows.count()).toBe(0)
    await page.getByLabel('Reason contains').fill('')
    await page.getByRole('button', { name: 'Filter', exact: true }).click()
    await count.filter({ hasText: /^1 dead letter matches/ }).waitFor()

    // Discard with the keyboard: focus the row's button, Enter, confirm.
    const [ours] = (await deadOf('ui-dead-2')).filter((d) => d.mappingId === mappingId)
    page.once('dialog', (dialog) => {
      expect(dialog.message()).toContain('will not be delivered')
      void dialog.accept()
    })
    await page.getByRole('button', { name: `Discard dead letter ${ours.id}` }).focus()
    await page.keyboard.press('Enter')
    await page
      .getByRole('status')
      .filter({ hasText: '1 dead letter discarded: it will not be delivered.' })
      .waitFor()
    await count.filter({ hasText: 'No dead letters match this filter.' }).waitFor()
    expect(await rows.count()).toBe(0)

    await page.getByRole('button', { name: 'Clear filter' }).click()
    await count.filter({ hasText: /^1 dead letter\.$/ }).waitFor()
    expect(await rows.first().textContent()).toContain('Track Calls')
    await screenshot(page, 'dead-letters-after-discard')
    expect((await deadOf('ui-dead-2')).map((d) => d.mappingId)).not.toContain(mappingId)
    expect(await service.store.getDeadLetter(ours.id)).toBeNull()
  })

  it('looks an event up by messageId and shows its outcomes', async () => {
    await link('Event lookup').click()
    await heading('Event lookup').waitFor()
    await page.getByLabel('Message ID').fill('ui-dead-1')
    await page.getByRole('button', { name: 'Look up' }).click()
    const found = page.getByTestId('looked-up-event')
    await found.waitFor()
    const text = (await found.textContent()) ?? ''
    expect(text).toContain('Dead letter')
    expect(text).toContain('Delivered')
  })

  it("looks a user's events up and shows, per mapping, what was sent and the outcome", async () => {
    await page.getByLabel('Look up by').selectOption('userId')
    await page.getByLabel('User ID', { exact: true }).fill('ui-user-3')
    await page.keyboard.press('Enter')
    const found = page.getByTestId('looked-up-event')
    await found.filter({ hasText: 'ui-count-3' }).waitFor()
    expect(await found.count()).toBe(1)
    const deliveries = found.getByTestId('event-delivery')
    expect(await deliveries.count()).toBe(2)
    // The bodies as sent for this very event (its messageId is the event id of both mappings).
    const ours = await deliveries.filter({ hasText: 'UI test mapping' }).textContent()
    expect(ours).toContain('Delivered')
    expect(ours).toMatch(
      /Sent (request|one item of "events" in a bulk request): POST http:\/\/127\.0\.0\.1:\d+\/api\/events\/track/,
    )
    expect(ours).toContain('"userId": "ui-user-3"')
    expect(ours).toContain('"id": "ui-count-3"')
    const track = await deliveries.filter({ hasText: 'Track Calls' }).textContent()
    expect(track).toContain('Delivered')
    expect(track).toContain('"eventName": "UI Test"')
    expect(track).toContain('"id": "ui-count-3"')
    expect(await found.getByTestId('replanned').count()).toBe(0)
    await screenshot(page, 'event-lookup')

    // An event whose configuration revision is gone: routed with the current mappings, labelled as such.
    const db = new Database(path.join(dataDir, DATABASE_FILE))
    db.prepare("UPDATE events SET revision = 0 WHERE message_id = 'ui-count-2'").run()
    db.close()
    await page.getByLabel('Look up by').selectOption('messageId')
    await page.getByLabel('Message ID', { exact: true }).fill('ui-count-2')
    await page.getByRole('button', { name: 'Look up' }).click()
    const old = page.getByTestId('looked-up-event').filter({ hasText: 'ui-count-2' })
    await old.waitFor()
    const replanned = old.getByTestId('replanned')
    await replanned.getByRole('heading', { name: 'Routed with the current mappings' }).waitFor()
    expect(await replanned.textContent()).toContain('current mappings')
  })

  it('disables a mapping (it stops matching), enables it, and deletes it with the keyboard', async () => {
    await link('Mappings').click()
    await heading('Mappings').waitFor()
    const row = page.getByRole('row').filter({ hasText: 'UI test mapping' })
    await row.getByText('Enabled', { exact: true }).waitFor()
    await row.getByRole('button', { name: 'Disable UI test mapping' }).click()
    await row.getByText('Disabled', { exact: true }).waitFor()
    await page.getByRole('status').filter({ hasText: '"UI test mapping" is disabled' }).waitFor()
    await screenshot(page, 'mapping-disabled')

    // A matching event now goes through Track Calls only.
    await ingest([{ type: 'track', event: 'UI Test', userId: 'ui-user-off', messageId: 'ui-off-1' }])
    await waitFor(async () => {
      const [lookup, queues] = await Promise.all([
        service.store.lookupEvent('ui-off-1'),
        admin<{ totalDepth: number }>('/queues'),
      ])
      return queues.totalDepth === 0 && lookup.attempts.some((a) => a.responseStatus === 200)
    }, 'ui-off-1 to be delivered')
    await link('Event lookup').click()
    await heading('Event lookup').waitFor()
    await page.getByLabel('Message ID', { exact: true }).fill('ui-off-1')
    await page.getByRole('button', { name: 'Look up' }).click()
    const deliveries = page.getByTestId('looked-up-event').getByTestId('event-delivery')
    await deliveries.first().waitFor()
    expect(await deliveries.count()).toBe(1)
    expect(await deliveries.first().textContent()).toContain('Track Calls')

    await link('Mappings').click()
    await heading('Mappings').waitFor()
    await row.getByRole('button', { name: 'Enable UI test mapping' }).focus()
    await page.keyboard.press('Enter')
    await row.getByText('Enabled', { exact: true }).waitFor()
    const used = page.getByText(/^\d+ of 50 mappings used\.$/)
    const before = Number(((await used.textContent()) ?? '').split(' ')[0])

    page.once('dialog', (dialog) => void dialog.accept())
    await row.getByRole('button', { name: 'Delete UI test mapping' }).focus()
    await page.keyboard.press('Enter')
    const deleted = page.getByRole('status').filter({ hasText: '"UI test mapping" is deleted.' })
    await deleted.waitFor()
    await waitFor(async () => (await row.count()) === 0, 'the deleted row to leave the list')
    await used.filter({ hasText: `${before - 1} of 50 mappings used.` }).waitFor()
    // The focus is on what happened, not lost with the removed button.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      '"UI test mapping" is deleted.',
    )
    const left = await admin<{ items: Array<{ id: string }> }>('/mappings')
    expect(left.items.map((m) => m.id)).not.toContain(mappingId)
  })

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByLabel('Admin token').waitFor()
    await page.reload()
    await page.getByLabel('Admin token').waitFor()
  })

  it('ran every page above without a Content-Security-Policy violation', async () => {
    const response = await page.goto(service.url + '/')
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")
    expect(cspViolations).toEqual([])
  })
})
