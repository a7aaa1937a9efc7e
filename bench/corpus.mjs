// The shared corpus for the benchmarks: generated once per (n, seed) into bench/.corpus/ with
// ../shared/corpus/gen-corpus.mjs, then read as NDJSON lines.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** The corpus's NDJSON file (one event a line), generated when missing. */
export function corpusFile(n, seed) {
  const dir = path.join(root, 'bench/.corpus')
  const file = path.join(dir, `corpus-${n}-${seed}.ndjson`)
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true })
    execFileSync('node', [
      path.resolve(root, '../shared/corpus/gen-corpus.mjs'),
      '--n',
      String(n),
      '--seed',
      String(seed),
      '--out',
      file,
    ])
  }
  return file
}

/** The corpus's event lines (raw JSON text, one event each). */
export function corpusLines(n, seed) {
  return readFileSync(corpusFile(n, seed), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
}
