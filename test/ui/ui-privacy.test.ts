// The Privacy page in a real browser (issue 16 item 6 from the UI): forget a user whose events were
// delivered, see Iterable's answer and what was deleted here, the audit without personal data; their
// later events are kept out until unforget; an action without an identifier cannot be started.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'
import { waitFor } from '../delivery/harness.js'
import { docsImage, openBrowser, signIn, type BrowserSession } from './browser.js'

const ADMIN_TOKEN = 'ui-privacy-admin-token-0123'
const WRITE_KEY = 'wk-ui-privacy'
const API_KEY = 'ui-privacy-api-key'

let sandbox: RunningSandbox
let service: RunningService
let session: BrowserSession
let page: Page
let dataDir: string

async function send(batch: object[]): Promise<number> {
  const response = await fetch(service.url + '/v1/batch', {
    method: 'POST',
    headers: {
      authorization: 'Basic ' + Buffer.from(WRITE_KEY + ':').toString('base64'),
      'content-type': 'application/json',
    },
    body: JSON.stringify({ batch }),
  })
  return response.status
}

beforeAll(async () => {
  if (!existsSync(path.resolve('dist/web/index.html'))) {
    execFileSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { stdio: 'inherit' })
  }
  dataDir = mkdtempSync(path.join(tmpdir(), 'ia-ui-privacy-'))
  sandbox = await startSandbox({
    port: 0,
    rateLimits: false,
    projects: [{ type: 'hybrid', apiKeys: [API_KEY] }],
  })
  service = await startService({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    writeKey: WRITE_KEY,
    adminToken: ADMIN_TOKEN,
    iterableUrl: sandbox.url,
    apiKey: API_KEY,
    logger: pino({ level: 'silent' }),
    delivery: { pollMs: 50, lingerMs: 20, rateLimits: false },
  })
  session = await openBrowser()
  page = session.page
  await page.setViewportSize({ width: 1280, height: 800 })
  page.setDefaultTimeout(20_000)
}, 120_000)

afterAll(async () => {
  await session?.close()
  await service?.close()
  await sandbox?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('the Privacy page', { timeout: 90_000 }, () => {
  it('forgets a user at Iterable and here, keeps their later events out, audits without personal data, unforgets', async () => {
    const project = sandbox.state.project()
    expect(
      await send([
        {
          type: 'identify',
          userId: 'ann-1',
          traits: { email: 'ann@example.com' },
          messageId: 'ann-1-identify',
        },
        { type: 'track', userId: 'ann-1', event: 'Clicked', messageId: 'ann-1-track' },
      ]),
    ).toBe(200)
    await waitFor(() => project.findByUserId('ann-1')?.events.length === 1, 15_000)

    await signIn(page, service.url, ADMIN_TOKEN)
    await page.getByRole('link', { name: 'Privacy', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Privacy' }).waitFor()
    await page.getByText('No user was forgotten or deleted yet.').waitFor()
    const forget = page.getByRole('button', { name: 'Forget', exact: true })
    expect(await forget.isDisabled()).toBe(true)

    await page.getByLabel('User ID').fill('ann-1')
    await page.getByLabel('Email').fill('ann@example.com')
    page.once('dialog', (dialog) => void dialog.accept())
    await forget.click()
    const result = page.getByTestId('privacy-result')
    await result.getByText('Forget: succeeded').waitFor()
    expect(await result.textContent()).toContain('2 events')
    expect(await result.textContent()).toContain('Iterable answered 200 Success')
    expect(project.forgottenUserIds.has('ann-1')).toBe(true)
    expect(await page.getByLabel('User ID').inputValue()).toBe('')

    const record = page.getByTestId('privacy-record')
    await record.first().waitFor()
    expect(await record.count()).toBe(1)
    const recordText = (await record.first().textContent()) ?? ''
    expect(recordText).toContain('forget')
    expect(recordText).not.toContain('ann')
    expect(await page.content()).not.toContain('ann@example.com')
    await docsImage(page, 'ui-privacy')

    // Kept out while forgotten: the event is acknowledged (drop mode) and never stored or sent.
    expect(await send([{ type: 'track', userId: 'ann-1', event: 'Again', messageId: 'ann-1-again' }])).toBe(
      200,
    )
    const lookup = await service.app.inject({
      method: 'GET',
      url: '/api/admin/events/ann-1-again',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    expect(lookup.statusCode).toBe(404)

    await page.getByLabel('User ID').fill('ann-1')
    page.once('dialog', (dialog) => void dialog.accept())
    await page.getByRole('button', { name: 'Unforget', exact: true }).click()
    await result.getByText('Unforget: succeeded').waitFor()
    expect(project.forgottenUserIds.has('ann-1')).toBe(false)
    await waitFor(async () => (await record.count()) === 2, 10_000)
    expect(await send([{ type: 'track', userId: 'ann-1', event: 'Back', messageId: 'ann-1-back' }])).toBe(200)
    await waitFor(() => project.findByUserId('ann-1') !== undefined, 15_000)
  })

  it('shows a refusal where it happened: a malformed email is named', async () => {
    await page.getByLabel('Email').fill('not-an-email')
    // Delete is not the form's submit button, so the browser's own email check does not stop it:
    // the API's message is the one shown.
    page.once('dialog', (dialog) => void dialog.accept())
    await page.getByRole('button', { name: 'Delete', exact: true }).click()
    await page.getByRole('alert').filter({ hasText: 'body.email is not an email address' }).waitFor()
  })
})
