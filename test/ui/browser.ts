// Debian's chromium driven by playwright-core for the UI tests: headless, no sandbox, a fresh profile.
import { copyFileSync, existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const ARTIFACTS = path.resolve('test-artifacts/ui')

export interface BrowserSession {
  context: BrowserContext
  page: Page
  close(): Promise<void>
}

export async function openBrowser(): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`)
  }
  const profile = mkdtempSync(path.join(tmpdir(), 'ia-ui-profile-'))
  // launchPersistentContext: the fresh profile folder is the user-data dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  const page = context.pages()[0] ?? (await context.newPage())
  mkdirSync(ARTIFACTS, { recursive: true })
  return {
    context,
    page,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true })
}

/**
 * A screenshot docs/ui.md shows: the 1280×800 viewport (or the whole page), written to the test
 * artifacts and copied to docs/images, so every run of the browser tests keeps the docs current.
 */
export async function docsImage(page: Page, name: string, { fullPage = false } = {}): Promise<void> {
  const file = path.join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage })
  copyFileSync(file, path.resolve('docs/images', `${name}.png`))
}

/** Opens the UI at `url`, signs in with the admin token and waits for the Overview. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url + '/')
  await page.getByLabel('Admin token', { exact: true }).fill(token)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
}
