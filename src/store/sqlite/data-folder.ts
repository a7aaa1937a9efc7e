// The SQLite data folder: created readable by its owner only (0700, files 0600), checked before
// anything is opened in it, with a message that names the folder and the problem instead of a
// driver's stack; and, while the service runs, whether it would take a write (readiness, resuming
// after a full disk).
import { constants, accessSync, chmodSync, existsSync, mkdirSync, statSync, type Stats } from 'node:fs'
import { access, statfs } from 'node:fs/promises'
import { userInfo } from 'node:os'
import path from 'node:path'
import { StoreError } from '../errors.js'
import type { WriteCheck } from '../types.js'

/** The database file in the data folder. */
export const DATABASE_FILE = 'store.db'

/** Files the store keeps in the folder (the database, its WAL and shared memory, the secret key). */
export const STORE_FILES: readonly string[] = [
  DATABASE_FILE,
  `${DATABASE_FILE}-wal`,
  `${DATABASE_FILE}-shm`,
  'secret.key',
]

/**
 * Below this much free space the folder counts as full: SQLite needs room for a commit's WAL frames
 * and for checkpoints to grow the database file, and a request of 500 KB writes several times that.
 */
export const MIN_FREE_BYTES = 4 * 1024 * 1024

const FOLDER_MODE = 0o700
const FILE_MODE = 0o600

export interface DataFolderReport {
  created: boolean
  /** Files whose mode was looser, e.g. `store.db (0644 → 0600)`. */
  tightened: string[]
  /** Those whose mode could not be changed (not the owner), with why. */
  notTightened: string[]
}

/** A system error's code in words people can act on. */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown }).code
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied for user ${currentUser()} (${code})`
    case 'EROFS':
      return 'the file system is read-only (EROFS)'
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder (ENOTDIR)'
    case 'ENOENT':
      return 'a part of the path does not exist (ENOENT)'
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)'
    case 'EDQUOT':
      return 'the disk quota is used up (EDQUOT)'
    case 'ELOOP':
      return 'too many symbolic links (ELOOP)'
    default:
      return error instanceof Error ? error.message : String(error)
  }
}

function currentUser(): string {
  try {
    return userInfo().username
  } catch {
    return String(process.getuid?.() ?? 'unknown')
  }
}

function unusable(dir: string, problem: string, cause?: unknown): StoreError {
  return new StoreError('unusable_data_folder', `The data folder ${dir} ${problem}`, { cause })
}

function modeText(mode: number): string {
  return '0' + (mode & 0o777).toString(8)
}

/**
 * Makes `dir` ready for the store: created with mode 0700 when missing; refused with a clear message
 * when it cannot be created, is not a folder or cannot be written. `files` in it that others may read
 * are tightened to 0600, and the report says which. An existing folder keeps its mode: it may be the
 * user's home or a folder shared on purpose (`--data ~`), and the files are private whatever it is.
 */
export function prepareDataFolder(dir: string, files: readonly string[] = STORE_FILES): DataFolderReport {
  const report: DataFolderReport = { created: false, tightened: [], notTightened: [] }
  let stats: Stats | undefined
  try {
    stats = statSync(dir, { throwIfNoEntry: false })
  } catch (error) {
    // Below a file: it does not exist, and creating it says why it cannot.
    if ((error as { code?: unknown }).code !== 'ENOTDIR')
      throw unusable(dir, `cannot be reached: ${describeFsError(error)}`, error)
  }
  if (stats === undefined) {
    try {
      createFolders(dir)
    } catch (error) {
      throw unusable(dir, `cannot be created: ${describeFsError(error)}`, error)
    }
    report.created = true
    stats = statSync(dir)
  }
  if (!stats.isDirectory()) throw unusable(dir, 'is not a folder (a file of that name exists)')
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK)
  } catch (error) {
    throw unusable(dir, `cannot be written: ${describeFsError(error)}`, error)
  }
  for (const name of files) {
    const file = path.join(dir, name)
    const fileStats = statSync(file, { throwIfNoEntry: false })
    if (fileStats?.isFile()) tighten(file, fileStats, name, report)
  }
  return report
}

/**
 * `mkdir -p` one level at a time: a recursive mkdirSync reports ENOENT where the real cause is
 * EROFS or EACCES, and the message must say the real one.
 */
function createFolders(dir: string): void {
  const missing: string[] = []
  for (let at = path.resolve(dir); !existsSync(at); at = path.dirname(at)) {
    missing.unshift(at)
    if (path.dirname(at) === at) break
  }
  for (const folder of missing) mkdirSync(folder, { mode: FOLDER_MODE })
}

function tighten(file: string, stats: Stats, label: string, report: DataFolderReport): void {
  if ((stats.mode & 0o077) === 0) return
  const change = `${label} (${modeText(stats.mode)} → ${modeText(FILE_MODE)})`
  try {
    chmodSync(file, FILE_MODE)
    report.tightened.push(change)
  } catch (error) {
    report.notTightened.push(`${change}: ${describeFsError(error)}`)
  }
}

/**
 * Whether the folder would take a write: writable, and its file system has MIN_FREE_BYTES free
 * (counting the blocks reserved for root when running as root, who may use them). A statfs and an
 * access check: cheap enough for every readiness probe.
 */
export async function checkFolderWritable(dir: string): Promise<WriteCheck> {
  try {
    await access(dir, constants.W_OK)
    const fs = await statfs(dir)
    const blocks = process.getuid?.() === 0 ? fs.bfree : fs.bavail
    const free = blocks * fs.bsize
    if (free < MIN_FREE_BYTES) {
      return {
        ok: false,
        reason: `the data folder's file system is full (${free} bytes free; the store needs ${MIN_FREE_BYTES})`,
      }
    }
    return { ok: true }
  } catch (error) {
    return { ok: false, reason: `the data folder cannot be written: ${describeFsError(error)}` }
  }
}
