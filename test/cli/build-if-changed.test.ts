// `npm start` builds only when sources changed (issue 15, item 14): the stamp against the inputs.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs script, without types
import { needsBuild, writeStamp } from '../../scripts/build-if-changed.mjs'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Sets a file's modification time (seconds ago). */
function age(file: string, secondsAgo: number): void {
  const at = Date.now() / 1000 - secondsAgo
  utimesSync(file, at, at)
}

describe('build only when the sources changed', () => {
  it('builds without a stamp, not after one, again after an edit or a deletion', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ia-build-stamp-'))
    dirs.push(root)
    mkdirSync(path.join(root, 'src/cli'), { recursive: true })
    const file = path.join(root, 'src/cli/a.ts')
    writeFileSync(file, 'export {}\n')
    for (const p of [file, path.join(root, 'src/cli'), path.join(root, 'src')]) age(p, 60)
    expect(needsBuild(root)).toBe(true)

    writeStamp(root, Date.now() - 30_000)
    expect(needsBuild(root)).toBe(false)

    age(file, 0) // edited after the build began
    expect(needsBuild(root)).toBe(true)
    writeStamp(root, Date.now())
    expect(needsBuild(root)).toBe(false)

    rmSync(file)
    utimesSync(path.join(root, 'src/cli'), Date.now() / 1000 + 1, Date.now() / 1000 + 1)
    expect(needsBuild(root)).toBe(true)
  })
})
