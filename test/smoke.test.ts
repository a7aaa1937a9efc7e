import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { REPO_ROOT } from './helpers/shared.js'

describe('package', () => {
  it('the built CLI runs with plain node and prints the package version', async () => {
    const out = execFileSync('node', [path.join(REPO_ROOT, 'dist/cli/index.js'), '--version'], {
      encoding: 'utf8',
    })
    const pkg = (await import('../package.json', { with: { type: 'json' } })).default as { version: string }
    expect(out.trim()).toBe(pkg.version)
  })

  it('the built entry imports without a loader', async () => {
    const mod = (await import(path.join(REPO_ROOT, 'dist/index.js'))) as { VERSION: string }
    expect(mod.VERSION).toMatch(/^\d+\.\d+\.\d+/)
  })
})
