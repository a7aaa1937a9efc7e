import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

/** Repository root and the read-only reference material beside it (`../shared`). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const SHARED_DIR = path.resolve(REPO_ROOT, '../shared')

export function readSharedJson<T = unknown>(relative: string): T {
  return JSON.parse(readFileSync(path.join(SHARED_DIR, relative), 'utf8')) as T
}

export function readSharedNdjson<T = unknown>(relative: string): T[] {
  return readFileSync(path.join(SHARED_DIR, relative), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T)
}
