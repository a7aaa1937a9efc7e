// The SQLite data folder is private (issue 14, item 8): created 0700 with its files 0600 whatever the
// umask (SQLite alone creates store.db, its WAL and shared memory 0644), and an existing looser file
// is tightened at open, with a report of what changed; an existing folder (the user's home, a shared
// folder) keeps its mode.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openStore, prepareDataFolder } from '../../src/store/index.js'

const FILES = ['store.db', 'store.db-wal', 'store.db-shm', 'secret.key']
const modeOf = (file: string): string => (statSync(file).mode & 0o777).toString(8)

let base: string
let umask: number
beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'store-modes-'))
  // The common default: without care, new files would be readable by everyone.
  umask = process.umask(0o022)
})
afterEach(() => {
  process.umask(umask)
  rmSync(base, { recursive: true, force: true })
})

/** Opens a store in `dir`, writes (so the WAL and shared memory exist), closes it. */
async function useStore(dir: string): Promise<void> {
  const store = await openStore({ kind: 'sqlite', dir })
  await store.createSource({ name: 'web', writeKey: `wk_${Math.random().toString(36).slice(2)}_0123` })
  await store.close()
}

it('creates the folder 0700 and the database, its WAL, its shared memory and the key 0600', async () => {
  const dir = path.join(base, 'new', 'data')
  const store = await openStore({ kind: 'sqlite', dir })
  try {
    await store.createSource({ name: 'web', writeKey: 'wk_0123456789' })
    expect(modeOf(dir)).toBe('700')
    expect(modeOf(path.join(base, 'new'))).toBe('700')
    expect(Object.fromEntries(FILES.map((f) => [f, modeOf(path.join(dir, f))]))).toEqual({
      'store.db': '600',
      'store.db-wal': '600',
      'store.db-shm': '600',
      'secret.key': '600',
    })
    expect(await store.checkWritable()).toEqual({ ok: true })
  } finally {
    await store.close()
  }
})

it('tightens existing files that others could read, and says which, but leaves an existing folder as it is', async () => {
  const dir = path.join(base, 'data')
  await useStore(dir)
  chmodSync(dir, 0o755)
  chmodSync(path.join(dir, 'store.db'), 0o644)
  chmodSync(path.join(dir, 'secret.key'), 0o640)
  const report = prepareDataFolder(dir)
  expect(report).toEqual({
    created: false,
    tightened: ['store.db (0644 → 0600)', 'secret.key (0640 → 0600)'],
    notTightened: [],
  })
  expect(modeOf(dir)).toBe('755')
  expect(modeOf(path.join(dir, 'store.db'))).toBe('600')
  // Opening the store does the same.
  chmodSync(path.join(dir, 'store.db'), 0o666)
  await useStore(dir)
  expect(modeOf(path.join(dir, 'store.db'))).toBe('600')
  expect(modeOf(dir)).toBe('755')
  expect(prepareDataFolder(dir).tightened).toEqual([])
})

it("creates its files 0600 in a folder the user already had (--data ~), and leaves the folder's mode", async () => {
  // A home folder: others may list it (0751), and it holds the user's own files.
  const home = path.join(base, 'home')
  mkdirSync(home)
  chmodSync(home, 0o751)
  writeFileSync(path.join(home, '.profile'), '# mine\n')
  chmodSync(path.join(home, '.profile'), 0o644)
  await useStore(home)
  expect(modeOf(home)).toBe('751')
  expect(modeOf(path.join(home, '.profile'))).toBe('644')
  for (const file of ['store.db', 'secret.key'])
    expect([file, modeOf(path.join(home, file))]).toEqual([file, '600'])
})
