import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/index.js'
import { describeStoreConformance, type StoreHarness } from './conformance.js'

const here = path.dirname(fileURLToPath(import.meta.url))

function sqliteHarness(): StoreHarness {
  const dir = mkdtempSync(path.join(tmpdir(), 'store-sqlite-'))
  return {
    open: (limits) => openStore({ kind: 'sqlite', dir, limits }),
    // Every file of the data folder except the key file itself: the database and its WAL.
    rawContents: async () =>
      readdirSync(dir)
        .filter((f) => f !== 'secret.key')
        .map((f) => readFileSync(path.join(dir, f)).toString('latin1'))
        .join('\n'),
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  }
}

describeStoreConformance('sqlite', async () => sqliteHarness())

describe('sqlite specifics', () => {
  it('loses no committed transaction when the process is killed with SIGKILL', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'store-kill-'))
    try {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(here, 'fixtures/commit-then-wait.ts'), dir],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      )
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('committed')) resolve()
        })
        child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)))
      })
      const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
      child.kill('SIGKILL')
      expect(await exited).toBe('SIGKILL')

      const store = await openStore({ kind: 'sqlite', dir })
      try {
        const stats = await store.queueStats()
        expect(stats).toEqual([
          expect.objectContaining({ destinationId: 'dest', endpoint: 'events/track', depth: 1000 }),
        ])
        expect((await store.lookupEvent('durable-49-19')).events).toHaveLength(1)
      } finally {
        await store.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('creates a private secret key file once and reuses it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'store-key-'))
    try {
      let store = await openStore({ kind: 'sqlite', dir })
      await store.createDestination({ id: 'd', name: 'D', kind: 'iterable', apiKey: 'key_0123456789' })
      await store.close()
      const keyFile = readFileSync(path.join(dir, 'secret.key'), 'utf8')
      expect(keyFile.trim()).toMatch(/^[0-9a-f]{64}$/)
      store = await openStore({ kind: 'sqlite', dir })
      expect(await store.getDestinationApiKey('d')).toBe('key_0123456789')
      await store.close()
      // A wrong key fails with a typed error, never with the secret in the message.
      store = await openStore({ kind: 'sqlite', dir, secretKey: 'b'.repeat(64) })
      await expect(store.getDestinationApiKey('d')).rejects.toMatchObject({ code: 'decrypt_failed' })
      await store.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
