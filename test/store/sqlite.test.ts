import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { DATABASE_FILE } from '../../src/store/sqlite/open.js'
import { MIGRATIONS } from '../../src/store/sqlite/migrations/index.js'
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
    execute: async (sql) => {
      const db = new Database(path.join(dir, DATABASE_FILE))
      try {
        db.exec(sql)
      } finally {
        db.close()
      }
    },
    migrateTo: async (version) => {
      for (const file of readdirSync(dir).filter((f) => f.startsWith(DATABASE_FILE)))
        rmSync(path.join(dir, file))
      const db = new Database(path.join(dir, DATABASE_FILE))
      try {
        db.exec(
          'CREATE TABLE schema_version (version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
        )
        for (const m of MIGRATIONS.filter((m) => m.version <= version)) {
          db.exec(m.sql)
          db.prepare('INSERT INTO schema_version VALUES (?, ?, ?)').run(m.version, m.name, Date.now())
        }
      } finally {
        db.close()
      }
    },
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  }
}

describeStoreConformance('sqlite', async () => sqliteHarness())

describe('sqlite specifics', () => {
  it('closes completely when closing is the last thing a script does (exit code 0, WAL folded in)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'store-close-'))
    try {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(here, 'fixtures/close-then-print.ts'), dir],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      )
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
      const code = await new Promise((resolve) => child.on('exit', (exitCode) => resolve(exitCode)))
      expect({ code, output }).toEqual({ code: 0, output: 'closed\n' })
      // The last connection's close checkpoints the WAL into the database and removes it.
      expect(readdirSync(dir)).not.toContain(`${DATABASE_FILE}-wal`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

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
        expect(await store.logHead()).toBe(1000)
        expect((await store.readLog(0, 2000)).map((e) => e.messageId).slice(-2)).toEqual([
          'durable-48-19',
          'durable-49-19',
        ])
        expect((await store.lookupEvent('durable-49-19')).events).toHaveLength(1)
      } finally {
        await store.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('checkpoints the WAL on a worker thread, not in the commits of the writer', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'store-checkpoint-'))
    const store = await openStore({ kind: 'sqlite', dir, limits: { maxEventBytes: 1e12 } })
    try {
      const file = path.join(dir, DATABASE_FILE)
      const before = statSync(file).size
      const padding = 'x'.repeat(2000)
      for (let round = 0; round < 20; round++) {
        const batch = Array.from({ length: 100 }, (_, i) => {
          const messageId = `cp-${round}-${i}`
          const body = JSON.stringify({ type: 'track', event: 'E', messageId, padding })
          return { messageId, body, size: body.length, userKey: null }
        })
        await store.ingest({ sourceId: 'src', receivedAt: Date.now(), revision: 1, events: batch })
      }
      // The writer never checkpoints by itself (wal_autocheckpoint = 0), yet the ~4 MB written
      // reach the database file within a few intervals.
      const deadline = Date.now() + 5000
      while (statSync(file).size < before + 3_000_000 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect(statSync(file).size).toBeGreaterThan(before + 3_000_000)
    } finally {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('keeps the WAL file bounded under steady writes (restarts it past its size limit)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'store-wal-bound-'))
    // 1 MiB limit, 12 MB written steadily: a PASSIVE checkpoint alone never catches the writer up.
    const store = await openStore({ kind: 'sqlite', dir, walRestartMb: 1, limits: { maxEventBytes: 1e12 } })
    try {
      const padding = 'x'.repeat(2000)
      let largest = 0
      for (let round = 0; round < 60; round++) {
        const batch = Array.from({ length: 100 }, (_, i) => {
          const messageId = `wal-${round}-${i}`
          const body = JSON.stringify({ type: 'track', event: 'E', messageId, padding })
          return { messageId, body, size: body.length, userKey: null }
        })
        await store.ingest({ sourceId: 'src', receivedAt: Date.now(), revision: 1, events: batch })
        largest = Math.max(largest, statSync(path.join(dir, `${DATABASE_FILE}-wal`)).size)
        await new Promise((resolve) => setTimeout(resolve, 25)) // steady, about 8 MB/s: checkpoints run between
      }
      // Without the restart the WAL file grows to 26 MB (measured); with it, a few intervals' worth
      // (about 5 MB, 9 MB on a loaded machine).
      expect(largest).toBeLessThan(15_000_000)
    } finally {
      await store.close()
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

  it("deletes a user's data from the files too, not only from the tables (no bytes left in the database or WAL)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'store-secure-delete-'))
    const raw = () =>
      readdirSync(dir)
        .filter((f) => f.startsWith(DATABASE_FILE))
        .map((f) => readFileSync(path.join(dir, f)).toString('latin1'))
        .join('\n')
    const store = await openStore({ kind: 'sqlite', dir })
    try {
      const events = Array.from({ length: 50 }, (_, i) => {
        const who = i % 10 === 0 ? 'zed' : `user-${i}`
        const body = JSON.stringify({
          type: 'identify',
          userId: who,
          traits: { email: `${who}@secret-${i % 10 === 0 ? 'zed' : 'other'}.example`, note: 'x'.repeat(300) },
        })
        return { messageId: `m-${i}`, body, size: body.length, userKey: who }
      })
      await store.ingest({ sourceId: 'src', receivedAt: Date.now(), revision: 1, events })
      expect(raw()).toContain('zed@secret-zed.example')
      const deleted = await store.deleteUserData({
        userKeys: ['zed'],
        orderingKeys: ['u:zed'],
        mentions: [JSON.stringify('zed@secret-zed.example')],
      })
      expect(deleted.events).toBe(5)
      const left = raw()
      expect(left).not.toContain('zed@secret-zed.example')
      expect(left).toContain('user-1@secret-other.example')
    } finally {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
