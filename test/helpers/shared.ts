import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
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

/**
 * Lines of the shared generator's corpus (deterministic for n and seed). `../shared` is read-only
 * and holds only the generator, so the corpus is written to a temporary folder and read back.
 */
export function generateCorpusLines(n: number, seed: number): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'corpus-'))
  try {
    const out = path.join(dir, 'corpus.ndjson')
    execFileSync(process.execPath, [
      path.join(SHARED_DIR, 'corpus/gen-corpus.mjs'),
      '--n',
      String(n),
      '--seed',
      String(seed),
      '--out',
      out,
    ])
    return readFileSync(out, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
