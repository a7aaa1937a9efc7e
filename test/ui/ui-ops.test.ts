// Operating from the UI in a real browser: Sources (a write key shown once, copied, rotated, revoked),
// events kept while the destination had no API key reported on Overview and in lookup and replayed
// from the Replay page with progress, and dead-letter triage (total and pages past 200, groups by
// cause replayed as one, the request to Iterable, mapping failures).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { addDeadLetters } from '../helpers/dead-letters.js'
import { docsImage, openBrowser, signIn, type BrowserSession } from './browser.js'

const ADMIN_TOKEN = 'ui-ops-admin-token-0123'
const WRITE_KEY = 'wk-ui-ops-write-key'

let service: RunningService
let session: BrowserSession
let page: Page
let dataDir: string
const cspViolations: string[] = []

async function send(writeKey: string, batch: object[]): Promise<number> {
  const response = await fetch(service.url + '/v1/batch', {
    method: 'POST',
    headers: {
      authorization: 'Basic ' + Buffer.from(writeKey + ':').toString('base64'),
      'content-type': 'application/json',
    },
    body: JSON.stringify({ batch }),
  })
  return response.status
}

async function waitFor(predicate: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The visible 1280×800 viewport, into the test artifacts and docs/images. */
const shot = (name: string) => docsImage(page, name)

const link = (name: string) => page.getByRole('link', { name, exact: true })
const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name })

beforeAll(async () => {
  if (!existsSync(path.resolve('dist/web/index.html'))) {
    execFileSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { stdio: 'inherit' })
  }
  dataDir = mkdtempSync(path.join(tmpdir(), 'ia-ui-ops-'))
  const options: Parameters<typeof startService>[0] = {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    writeKey: WRITE_KEY,
    adminToken: ADMIN_TOKEN,
    logger: pino({ level: 'silent' }),
    delivery: { pollMs: 50, lingerMs: 20, rateLimits: false },
  }
  // First without an API key: the events are kept and sent nowhere.
  service = await startService(options)
  const kept = Array.from({ length: 5 }, (_, i) => ({
    type: 'track',
    userId: 'ui-kept',
    event: 'Kept',
    messageId: `ui-kept-${i}`,
  }))
  expect(await send(WRITE_KEY, kept)).toBe(200)
  await service.close(2000)
  service = await startService({ ...options, sandbox: true })

  session = await openBrowser()
  page = session.page
  await page.setViewportSize({ width: 1280, height: 800 })
  await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: service.url })
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

describe('operating from the UI', { timeout: 90_000 }, () => {
  it('creates a source and shows its write key once, with a copy button; rotates and revokes it', async () => {
    await signIn(page, service.url, ADMIN_TOKEN)
    await link('Sources').click()
    await heading('Sources').waitFor()
    await page.getByTestId('source-row').filter({ hasText: 'default' }).waitFor()

    await page.getByLabel('Name', { exact: true }).fill('Mobile app')
    await page.getByRole('button', { name: 'Create source' }).click()
    const shown = page.getByTestId('new-write-key')
    const key = await shown.getByLabel('Write key').inputValue()
    expect(key).toMatch(/^wk_/)
    expect(await send(key, [{ type: 'track', userId: 'm', event: 'Opened' }])).toBe(200)
    await shown.getByRole('button', { name: 'Copy' }).click()
    await shown.getByText('Copied to the clipboard.').waitFor()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key)
    const row = page.getByTestId('source-row').filter({ hasText: 'Mobile app' })
    expect(await row.textContent()).toContain(`…${key.slice(-4)}`)
    await shot('ui-sources')

    // Done: the key is gone from the page, and coming back never shows it again.
    await shown.getByRole('button', { name: 'Done' }).click()
    await shown.waitFor({ state: 'detached' })
    await link('Overview').click()
    await link('Sources').click()
    await row.waitFor()
    expect(await page.content()).not.toContain(key)

    page.once('dialog', (dialog) => void dialog.accept())
    await row.getByRole('button', { name: 'Rotate the write key of Mobile app' }).click()
    const rotated = await shown.getByLabel('Write key').inputValue()
    expect(rotated).not.toBe(key)
    await shown.getByText('The old key was revoked').waitFor()
    expect(await send(key, [{ type: 'track', userId: 'm', event: 'Opened' }])).toBe(401)
    expect(await send(rotated, [{ type: 'track', userId: 'm', event: 'Opened' }])).toBe(200)

    page.once('dialog', (dialog) => void dialog.accept())
    await row.getByRole('button', { name: 'Revoke the write key of Mobile app' }).click()
    await page.getByRole('status').filter({ hasText: 'is revoked' }).waitFor()
    await row.waitFor({ state: 'detached' })
    expect(await send(rotated, [{ type: 'track', userId: 'm', event: 'Opened' }])).toBe(401)
    await page.getByLabel('Show 2 revoked').check()
    expect(await page.getByTestId('source-row').filter({ hasText: 'Mobile app' }).count()).toBe(2)
  })

  it('says which events wait for a replay, and replays them from the Replay page with progress', async () => {
    await link('Overview').click()
    await heading('Overview').waitFor()
    const waiting = page.getByTestId('waiting-for-replay')
    await waiting.getByText('5 events').waitFor()

    // Event lookup says it of each such event.
    await link('Event lookup').click()
    await page.getByLabel('Message ID').fill('ui-kept-3')
    await page.getByRole('button', { name: 'Look up' }).click()
    await page.getByTestId('looked-up-event').getByTestId('waiting-for-replay').waitFor()
    expect(await page.getByTestId('looked-up-event').textContent()).toContain('It waits for a replay')

    await link('Overview').click()
    await waiting.getByRole('link', { name: /^Replay them to / }).click()
    await heading('Replay').waitFor()
    expect(await page.getByLabel('Received from').inputValue()).not.toBe('')
    const [destination] = await service.store.listDestinations()
    expect(await page.getByLabel('Destination').inputValue()).toBe(destination.id)
    await page.getByRole('button', { name: 'Replay', exact: true }).click()
    const progress = page.getByTestId('replay-progress')
    await progress.getByText('Done: 5 events replayed.').waitFor()
    expect(await progress.getByRole('progressbar').getAttribute('value')).toBe('1')
    await page.getByTestId('waiting-for-replay').waitFor({ state: 'detached' })
    await shot('ui-replay')
    const project = service.sandbox!.state.project()
    await waitFor(() => (project.findByUserId('ui-kept')?.events.length ?? 0) === 5, 'the replayed events')

    await link('Overview').click()
    await heading('Overview').waitFor()
    await page.getByTestId('queue-depth').waitFor()
    await waitFor(async () => (await waiting.count()) === 0, 'the waiting card to go')
  })

  it('pages through every dead letter, groups them by cause, replays a group, shows the request to Iterable and mapping failures', async () => {
    const [destination] = await service.store.listDestinations()
    await addDeadLetters(
      service.store,
      destination.id,
      Array.from({ length: 257 }, (_, i) => ({
        messageId: `triage-${i}`,
        code: i < 57 ? 'HTTP_503' : 'BadParams',
        reason: i < 57 ? 'retry window exceeded' : 'Invalid email',
      })),
    )
    // An event no mapping can build a request for (no userId, no email).
    expect(
      await send(WRITE_KEY, [{ type: 'track', event: 'Anon', anonymousId: 'a', messageId: 'no-user' }]),
    ).toBe(200)

    await waitFor(
      async () =>
        (await service.store.listOutcomes({ outcome: 'failed' })).some((o) => o.messageId === 'no-user'),
      'the mapping failure',
    )
    await link('Dead letters').click()
    await heading('Dead letters').waitFor()
    const count = page.getByTestId('dead-letter-count')
    await count.filter({ hasText: 'Dead letters 1–100 of 257.' }).waitFor()
    await page.getByRole('button', { name: 'Next page' }).click()
    await count.filter({ hasText: 'Dead letters 101–200 of 257.' }).waitFor()
    await page.getByRole('button', { name: 'Next page' }).click()
    await count.filter({ hasText: 'Dead letters 201–257 of 257.' }).waitFor()
    expect(await page.getByTestId('dead-letter-row').count()).toBe(57)
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true)

    const groups = page.getByTestId('dead-letter-group')
    expect(await groups.count()).toBe(2)
    expect(await groups.first().textContent()).toMatch(/^200.*BadParams.*Invalid email/)
    await page.getByRole('table', { name: 'Mapping failures' }).getByText('no-user').waitFor()
    await shot('ui-dead-letters')

    await groups
      .filter({ hasText: 'HTTP_503' })
      .getByRole('button', { name: /^Replay 57 dead letters/ })
      .click()
    await page.getByRole('status').filter({ hasText: '57 dead letters queued for delivery again.' }).waitFor()
    await count.filter({ hasText: 'Dead letters 1–100 of 200.' }).waitFor()
    expect(await groups.count()).toBe(1)

    // One dead letter: the request it sends to Iterable, not the stored item.
    await page
      .getByTestId('dead-letter-row')
      .first()
      .getByRole('button', { name: /^Inspect/ })
      .click()
    const detail = page.getByTestId('dead-letter-detail')
    await detail.getByRole('heading', { name: 'Request to Iterable' }).waitFor()
    const text = (await detail.textContent()) ?? ''
    expect(text).toContain(`POST ${service.sandbox!.url}/api/events/track`)
    expect(text).toContain('"eventName": "Viewed"')
    expect(text).not.toContain('"path"')
    expect(cspViolations).toEqual([])
  })
})
