// `serve` keeps its secrets to itself (issue 14, item 8): the built-in sandbox does not list the API
// key given with --api-key to whoever asks /_sandbox/projects, and the data folder (store, key,
// sandbox state) is private: its files 0600 (a looser one tightened at start with a warning), a folder
// serve creates 0700, one the user had left as it was.
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterAll, expect, it } from 'vitest'
import { startService, type RunningService } from '../../src/cli/serve.js'

const API_KEY = 'sandbox-key-not-for-anyone-7f3a'
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const modeOf = (file: string): string => (statSync(file).mode & 0o777).toString(8)

function start(dataDir: string, lines: string[]): Promise<RunningService> {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  return startService({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    sandbox: true,
    apiKey: API_KEY,
    adminToken: 'admin-token-123',
    logger: pino({ level: 'info' }, sink),
  })
}

it('serve --sandbox --api-key K: /_sandbox/projects shows a hint of K, never K; the data files are private', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'serve-private-'))
  dirs.push(dataDir)
  chmodSync(dataDir, 0o755)
  const lines: string[] = []
  let service = await start(dataDir, lines)
  try {
    const response = await fetch(`${service.sandbox!.url.replace(/\/$/, '')}/_sandbox/projects`)
    const text = await response.text()
    expect(response.status).toBe(200)
    expect(text).not.toContain(API_KEY)
    expect(JSON.parse(text).projects[0].apiKeyHints).toEqual([API_KEY.slice(-4)])
  } finally {
    await service.close()
  }
  // The folder was 0755 before the first start: the user's own, left so; the files are private.
  expect(modeOf(dataDir)).toBe('755')
  for (const file of ['store.db', 'secret.key', 'sandbox.db'])
    expect([file, modeOf(path.join(dataDir, file))]).toEqual([file, '600'])

  chmodSync(path.join(dataDir, 'sandbox.db'), 0o644)
  lines.length = 0
  service = await start(dataDir, lines)
  await service.close()
  const warning = lines.map((line) => JSON.parse(line)).find((entry) => entry.tightened !== undefined)
  expect(warning?.tightened).toEqual(['sandbox.db (0644 → 0600)'])
  expect(modeOf(path.join(dataDir, 'sandbox.db'))).toBe('600')
  expect(modeOf(dataDir)).toBe('755')
})

it('serve creates a missing data folder 0700, its files 0600', async () => {
  const parent = mkdtempSync(path.join(tmpdir(), 'serve-private-'))
  dirs.push(parent)
  const dataDir = path.join(parent, 'data')
  const service = await start(dataDir, [])
  await service.close()
  expect(modeOf(dataDir)).toBe('700')
  for (const file of ['store.db', 'secret.key', 'sandbox.db'])
    expect([file, modeOf(path.join(dataDir, file))]).toEqual([file, '600'])
})
